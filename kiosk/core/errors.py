"""The error taxonomy shared by the kiosk, the hub and the admin tool.

Every error that can reach a person carries ``user_message``: a calm, plain sentence that tells
the reader what happened and what to do. The technical detail goes to the log, never the screen.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of every expected error. ``user_message`` is fit to show to the person who must act."""

    def __init__(self, user_message: str, *, detail: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail


class ConfigError(KioskError):
    """A configuration file is wrong. The message names the file, line, key and what is allowed."""

    def __init__(self, path: str, key: str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {problem}")
        self.path = path
        self.key = key
        self.problem = problem
        self.line = line


class PackError(KioskError):
    """A demo pack cannot be used. Raised by the loader; the kiosk skips the pack and goes on."""


class ServiceUnavailable(KioskError):
    """An optional part (speech, card reader, hub link) cannot start; the kiosk degrades visibly."""
