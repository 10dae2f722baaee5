"""Errors a user can act on: each carries a hint saying what to do next."""

from __future__ import annotations


class StorylineError(Exception):
    """Base error. ``hint`` tells the user what to do; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class InputError(StorylineError):
    """Bad input: a file that does not exist, a malformed line under --strict, an unknown id."""

    exit_code = 2


class NotFoundError(InputError):
    """A story or article id that is not in the database."""


class StoreError(StorylineError):
    """The database cannot be opened or has an unexpected schema."""


class ConfigError(StorylineError):
    """A setting has a value that cannot work."""

    exit_code = 2
