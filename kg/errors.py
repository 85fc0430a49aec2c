"""Errors raised by govkg; the CLI turns them into clear messages."""

from __future__ import annotations


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
