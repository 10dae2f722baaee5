"""Errors a user can act on: each carries a hint saying what to do next, and the exit code it means.

The exit codes are one table for every command (``storyline --help`` and the README print it):
0 done; 1 the command ran but could not do its work (nothing could be fetched, the database is
unreadable or busy); 2 bad usage or bad input (an unknown option, a missing file, a setting that
cannot work, a bad line under ``--strict``, an unknown id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyline.types import Rejection

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 the work could not be done (nothing fetched, database unreadable or busy); "
    "2 bad usage or input (unknown option, missing file, bad setting, a bad line under --strict, unknown id)."
)


class StorylineError(Exception):
    """Base error. ``hint`` tells the user what to do; ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class InputError(StorylineError):
    """Bad input: a file that does not exist, a malformed line under --strict, an unknown id."""

    exit_code = EXIT_BAD_INPUT


class NotFoundError(InputError):
    """A story, article or database that is not there."""


class StoreError(StorylineError):
    """The database cannot be opened or has an unexpected schema."""


class ConfigError(StorylineError):
    """A setting has a value that cannot work."""

    exit_code = EXIT_BAD_INPUT


# What a user can do about each rejection reason when --strict stops at it.
_STRICT_HINTS = {
    "malformed_json": "fix or remove the line, or run without --strict to skip and count it",
    "bad_field": "text, html and title must be JSON strings; fix the line, or run without --strict to skip it",
    "empty": "give each record a non-empty text, html or title, or run without --strict to skip it",
    "not_text": "this looks like a binary file; remove it, or run without --strict to skip it",
    "too_long": "split the input or raise the size limit, or run without --strict to skip it",
    "bad_encoding": "convert the file to UTF-8 (e.g. iconv -f <encoding> -t utf-8), or run without --strict",
    "unsupported_file": "inputs are .jsonl, .txt, .html, .htm or .xhtml; remove the file, or run without --strict",
    "unreadable": "check the file's permissions, or run without --strict to skip it",
    "broken_link": "fix or remove the symlink, or run without --strict to skip it",
    "not_a_file": "only regular files are read from a folder; name a FIFO directly to read JSONL from it",
    "outside_folder": "name the link's target as an input of its own to read it, or run without --strict",
    "duplicate_id": "give each article its own id (or none: one is made from its content), or run without --strict",
}
_STRICT_DEFAULT_HINT = "fix or remove that input, or run without --strict to skip and count it"


def strict_error(rejection: Rejection) -> InputError:
    """The error ``--strict`` stops at: the first rejected input, named by file and line, with what to do.

    >>> from storyline.types import Rejection
    >>> print(strict_error(Rejection("a.jsonl:2", "malformed_json", "line 1")))
    a.jsonl:2: malformed json (line 1)
      hint: fix or remove the line, or run without --strict to skip and count it
    """
    detail = f" ({rejection.detail})" if rejection.detail else ""
    return InputError(f"{rejection.origin}: {rejection.reason.replace('_', ' ')}{detail}",
                      hint=_STRICT_HINTS.get(rejection.reason, _STRICT_DEFAULT_HINT))
