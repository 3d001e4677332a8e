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


_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_FIELD = re.compile(r"`([^`]+)`")


def _parse_path(path: str) -> tuple[Any, ...]:
    """``.session.idle_seconds`` or ``.card.command_hooks[0].argv`` as a location tuple."""
    loc: list[Any] = []
    for name, index in re.findall(r"\.([A-Za-z_]\w*)|\[(\d+)\]", path or ""):
        loc.append(name if name else int(index))
    return tuple(loc)


def _type_at(struct_type: Any, loc: tuple[Any, ...]) -> Any:
    """The msgspec type info of the field at ``loc`` under ``struct_type`` (or None)."""
    import msgspec.inspect as mi

    node: Any = mi.type_info(struct_type)
    for part in loc:
        if isinstance(node, mi.StructType) and isinstance(part, str):
            node = next((f.type for f in node.fields if f.name == part), None)
        elif isinstance(node, mi.ListType | mi.DictType) and isinstance(part, int):
            node = node.item_type if isinstance(node, mi.ListType) else node.value_type
        elif isinstance(node, mi.DictType):
            node = node.value_type
        else:
            return None
        if node is None:
            return None
    return node


def describe_type(info: Any) -> str:
    """What a person may write for a value of this msgspec type, in plain words."""
    import msgspec.inspect as mi

    def bounds(t: Any) -> str:
        lo = t.ge if t.ge is not None else t.gt
        hi = t.le if t.le is not None else t.lt
        if lo is not None and hi is not None:
            return f" from {lo} to {hi}"
        if lo is not None:
            return f" of at least {lo}" if t.ge is not None else f" above {lo}"
        return f" of at most {hi}" if hi is not None else ""

    if isinstance(info, mi.BoolType):
        return "true or false"
    if isinstance(info, mi.IntType):
        return "a whole number" + bounds(info)
    if isinstance(info, mi.FloatType):
        return "a number" + bounds(info)
    if isinstance(info, mi.StrType):
        return "text in quotes" + (f" matching {info.pattern}" if info.pattern else "")
    if isinstance(info, mi.LiteralType):
        values = [f'"{v}"' if isinstance(v, str) else str(v) for v in info.values]
        return "one of " + ", ".join(values)
    if isinstance(info, mi.ListType):
        size = ""
        if info.min_length is not None and info.min_length == info.max_length:
            size = f" of exactly {info.min_length} items"
        elif info.min_length:
            size = f" of at least {info.min_length} item(s)"
        return f"a list in [ ]{size}, each {describe_type(info.item_type)}"
    if isinstance(info, mi.DictType):
        return f"a table of {describe_type(info.value_type)} values, in {{ }}"
    if isinstance(info, mi.StructType):
        return "a table of settings"
    return "a valid value"


def describe_msgspec_error(
    message: str, struct_type: Any, data: dict[str, Any]
) -> tuple[tuple[Any, ...], str]:
    """Turn one msgspec validation message into (location, plain problem with what is allowed)."""
    match = _AT.match(message)
    text = match.group("msg") if match else message
    loc = _parse_path(match.group("path") if match else "")
    field = _FIELD.search(text)
    if text.startswith("Object contains unknown field") and field:
        return (*loc, field.group(1)), (
            "unknown key; remove it or check its spelling against kiosk_config/kiosk.toml"
        )
    if text.startswith("Object missing required field") and field:
        return (*loc, field.group(1)), "missing; set it (see kiosk_config/kiosk.toml)"
    if text.startswith("Expected") or text.startswith("Invalid enum value"):
        got: Any = data
        for part in loc:
            got = got[part] if isinstance(got, dict | list) else None
        allowed = describe_type(_type_at(struct_type, loc))
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        return loc, f"must be {allowed}{shown}"
    # A rule across keys (e.g. default_language must be one of languages): its own words.
    return loc, text
