"""Typed errors shown to people as one clear sentence.

Every error that reaches the user is a `DronevetError`: it carries where the problem is
(a file and a line or frame number when there is one) and suggestions when the input was
close to something known. The CLI prints `str(error)` and exits with `exit_code`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(eq=False)
class DronevetError(Exception):
    """Base error: a message, an optional location and close matches to suggest."""

    message: str
    path: str | None = None
    line: int | None = None
    frame: int | None = None
    suggestions: Sequence[str] = field(default_factory=tuple)
    exit_code: int = 3

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def location(self) -> str:
        """`file, line N` / `file, frame N` / `file` / empty, whichever is known."""
        parts = []
        if self.path:
            parts.append(str(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.frame is not None:
            parts.append(f"frame {self.frame}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.suggestions:
            text += " Did you mean: " + ", ".join(self.suggestions) + "?"
        return text


class BadInputError(DronevetError):
    """Input from the user (argument, file) is malformed or refers to nothing known."""


class UnknownNameError(BadInputError):
    """A model, policy, entity or mission name that the knowledge base does not hold."""


class AmbiguousNameError(BadInputError):
    """A name that fits two or more known things equally well; the suggestions list them."""


class UsageError(DronevetError):
    """The command was called wrongly (a missing or conflicting argument): exit code 2."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.exit_code = 2


class KnowledgeError(DronevetError):
    """The knowledge base (built-in or imported) violates its schema or its own rules."""


class CaptureFormatError(BadInputError):
    """A capture or recording file is not in a supported format or is malformed."""
