"""Errors raised by govkg; the CLI turns them into clear messages."""

from __future__ import annotations

import re

#: ANSI/VT escape sequences: CSI (ESC [ or 0x9B), OSC (ESC ] … BEL or ESC \), and two-character ESC sequences
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?")
#: control characters, and the bidirectional overrides that reorder what a terminal shows
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def printable(text: str, limit: int = 500) -> str:
    """``text`` safe for a terminal: escape sequences and control characters gone, one line, at most ``limit`` characters."""
    flat = " ".join(CONTROLS.sub(" ", ESCAPES.sub("", text)).split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


class KgError(Exception):
    """Base class of every error govkg raises on purpose."""


class InputError(KgError):
    """An input file could not be read as an article."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class GoldError(KgError):
    """A gold or prediction file does not follow the gold format."""
