"""Helpers that turn a validation problem into a line an admin can act on.

``tomllib`` keeps no positions, so :func:`find_line` scans the file for the section header and
the key; good enough to point a person at the right line of a hand-written settings file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any


def find_line(path: Path, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the key at ``loc`` (section, key) is set in ``path``, if found."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    names = [str(p) for p in loc if not isinstance(p, int)]
    if not names:
        return None
    section, key = (names[0], names[1]) if len(names) > 1 else (names[0], None)
    in_section = False
    header_line = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            in_section = header.group(1).strip() == section
            if in_section:
                header_line = number
            continue
        if in_section and key is not None and re.match(rf"^{re.escape(key)}\s*=", line):
            return number
    # The key is not written out (e.g. missing): point at its section instead.
    return header_line


def describe_error(err: dict[str, Any]) -> str:
    """A plain description of one pydantic error: what is wrong and what is allowed."""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling against kiosk_config/kiosk.toml"
    if kind == "missing":
        return "missing; every key must be set (see kiosk_config/kiosk.toml)"
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    got = err.get("input")
    if isinstance(got, dict | list):
        return message
    return f"{message} (got {got!r})"
