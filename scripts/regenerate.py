"""What every resource build script shares: write the generated file, or check that it is current."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from kg.files import write_text


def regenerate(description: str, default_out: Path, render: Callable[[], tuple[str, str]], argv: list[str] | None = None) -> int:
    """Parse ``--out``/``--check``; ``render()`` gives the file's text and a summary such as "3,421 rows"."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=default_out, help=f"output file (default {default_out})")
    parser.add_argument("--check", action="store_true", help="only check that --out is up to date")
    args = parser.parse_args(argv)
    text, summary = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run {Path(sys.argv[0]).as_posix()}", file=sys.stderr)
            return 1
        return 0
    write_text(args.out, text)
    print(f"wrote {args.out} ({summary})")
    return 0
