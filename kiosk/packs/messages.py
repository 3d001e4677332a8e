"""Turn pydantic's validation errors into problems that name the file, line and field."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from kiosk.packs.models import COMPONENT_TYPES
from kiosk.packs.problems import Problem
from kiosk.packs.yamlpos import Loc, Parsed, dotted


def validation_problems(
    exc: ValidationError, parsed: Parsed, display: str, prefix: Loc = ()
) -> list[Problem]:
    """One problem per pydantic error; ``prefix`` is where the validated data sits in the file."""
    problems = []
    for err in exc.errors():
        loc = _data_loc(parsed.data, (*prefix, *err["loc"]))
        problems.append(Problem(display, parsed.line_of(loc), dotted(loc), describe(err)))
    return problems


def _data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Pydantic's error location as a path in the data: drop union tags (e.g. ``heading``)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue  # the discriminator pydantic adds for a component
        else:
            node = None
        out.append(part)
    return tuple(out)


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    if isinstance(value, str) and len(value) > 40:
        value = value[:37] + "..."
    return f" (got {value!r})"


def describe(err: Any) -> str:
    """A plain sentence saying what is wrong and what is allowed."""
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown field; remove it or check its spelling against docs/packs.md"
    if kind == "missing":
        return "missing; this field is required"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}{_got(value)}".replace("'", "")
    if kind == "union_tag_invalid":
        return f"unknown component type {ctx.get('tag')!r}; use one of: {COMPONENT_TYPES}"
    if kind == "union_tag_not_found":
        return f"the component needs a type, one of: {COMPONENT_TYPES}"
    if kind == "string_type":
        if isinstance(value, bool | int | float | date):
            return f"must be text; put the value in quotes{_got(value)}"
        return f"must be text{_got(value)}"
    if kind == "string_pattern_mismatch":
        return (
            "ids may use only letters a-z, digits, '.', '_' and '-', and start with a letter or "
            f"digit{_got(value)}"
        )
    if kind == "string_too_long":
        return f"too long: {len(value)} characters; at most {ctx.get('max_length')} are allowed"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("too_short", "too_long"):
        field = ctx.get("field_type", "List").lower()
        return f"this {field} has {ctx.get('actual_length')} items; it needs {_bounds(kind, ctx)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number{_got(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}{_got(value)}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}{_got(value)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"must be a date written like 2026-11-20, without quotes{_got(value)}"
    if kind == "bool_type":
        return f"must be true or false{_got(value)}"
    if kind == "list_type":
        return "must be a list (items starting with '-', or [a, b])"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of fields (key: value)"
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return message + _got(value)


def _bounds(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "too_short":
        return f"at least {ctx.get('min_length')}"
    return f"at most {ctx.get('max_length')}"
