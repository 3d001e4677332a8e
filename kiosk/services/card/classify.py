"""Card kinds by ATR, from ``kiosk_config/cards.toml`` and a site's own table laid over it.

Only the ATR is used: the bytes every card sends when powered on, the same for every card of a
model, so classifying identifies a card model, never a person. The table format is described at
the top of ``kiosk_config/cards.toml``. A bad table raises :class:`ConfigError` naming the file,
the pattern, the field and its line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.errors import ConfigError

from .events import CARD_KINDS, CardKind

_HEX_BYTES = re.compile(r"^[0-9A-Fa-f]{2}([ :]?[0-9A-Fa-f]{2})*$")


def normalize_atr(atr: str | bytes | list[int]) -> str:
    """An ATR as uppercase hex without separators, from bytes, a byte list or hex text."""
    if isinstance(atr, bytes | bytearray):
        return atr.hex().upper()
    if isinstance(atr, list):
        return bytes(atr).hex().upper()
    text = atr.strip()
    if text and not _HEX_BYTES.match(text):
        raise ValueError(f"not hex bytes: {atr!r}")
    return text.replace(" ", "").replace(":", "").upper()


def spaced(atr_hex: str) -> str:
    """``3B7F96`` -> ``3B 7F 96``: the form regexes are written against (as in pcsc-tools)."""
    return " ".join(atr_hex[i : i + 2] for i in range(0, len(atr_hex), 2))


@dataclass(frozen=True)
class AtrPattern:
    """One row of the table. Exactly one of ``atr`` (optionally with ``mask``) or ``regex``.

    Build with :func:`parse_pattern`, which checks every field.
    """

    kind: CardKind
    label: str
    source: str
    atr: str | None = None
    mask: str | None = None
    regex: str | None = None

    def matches(self, atr_hex: str) -> bool:
        """True when this pattern matches ``atr_hex`` (normalized, see :func:`normalize_atr`)."""
        if self.regex is not None:
            return re.fullmatch(self.regex, spaced(atr_hex), re.IGNORECASE) is not None
        want = bytes.fromhex(normalize_atr(self.atr or ""))
        got = bytes.fromhex(atr_hex)
        if len(want) != len(got):
            return False
        if self.mask is None:
            return want == got
        mask = bytes.fromhex(normalize_atr(self.mask))
        return all((w & m) == (g & m) for w, g, m in zip(want, got, mask, strict=True))


@dataclass(frozen=True)
class AtrTable:
    """Patterns in search order (site first). :meth:`classify` never raises on a card's ATR."""

    patterns: tuple[AtrPattern, ...]
    sources: tuple[str, ...]

    def match(self, atr: str | bytes | list[int]) -> AtrPattern | None:
        """The first pattern matching ``atr``, or None (also for an ATR that is not hex)."""
        try:
            atr_hex = normalize_atr(atr)
        except ValueError:
            return None
        return next((p for p in self.patterns if p.matches(atr_hex)), None)

    def classify(self, atr: str | bytes | list[int]) -> CardKind:
        """The card's kind; ``unknown`` when no pattern matches."""
        found = self.match(atr)
        return found.kind if found else "unknown"


_FIELDS = ("kind", "label", "source", "atr", "mask", "regex")


class PatternError(ValueError):
    """A table row is wrong: ``field`` (None for the row as a whole) and what is wrong."""

    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def parse_pattern(row: object) -> AtrPattern:
    """Check one ``[[pattern]]`` table and build it; raises :class:`PatternError`.

    Written by hand (not pydantic) because the kiosk loads this table before its first frame and
    the schema is six strings.
    """
    if not isinstance(row, dict):
        raise PatternError(None, "must be a [[pattern]] table")
    for key in row:
        if key not in _FIELDS:
            raise PatternError(key, f"unknown key; a pattern has only {', '.join(_FIELDS)}")
    for key in ("kind", "label", "source"):
        if key not in row:
            raise PatternError(key, "missing; every pattern needs kind, label and source")
    for key, value in row.items():
        if not isinstance(value, str):
            raise PatternError(key, f"must be a string in quotes (got {value!r})")
    if row["kind"] not in CARD_KINDS:
        allowed = ", ".join(repr(k) for k in CARD_KINDS)
        raise PatternError("kind", f"must be one of {allowed} (got {row['kind']!r})")
    _check_match_fields(row)
    return AtrPattern(**row)


def _check_match_fields(row: dict[str, str]) -> None:
    if ("atr" in row) == ("regex" in row):
        raise PatternError(None, "give exactly one of atr (with an optional mask) or regex")
    if "mask" in row and "atr" not in row:
        raise PatternError("mask", "mask needs atr")
    for name in ("atr", "mask"):
        if name in row and not _HEX_BYTES.match(row[name].strip()):
            raise PatternError(name, f"must be hex bytes like '3B 7F 96' (got {row[name]!r})")
    if "mask" in row and len(normalize_atr(row["mask"])) != len(normalize_atr(row["atr"])):
        raise PatternError("mask", "mask must be as long as atr")
    if "regex" in row:
        try:
            re.compile(row["regex"])
        except re.error as exc:
            raise PatternError("regex", f"regex does not compile: {exc}") from None


def _pattern_line(path: Path, index: int, field: str | None) -> int | None:
    """The line of ``field`` inside the ``index``-th ``[[pattern]]`` (or of its header)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    seen, header = -1, None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("["):
            if header is not None:
                break
            if line == "[[pattern]]":
                seen += 1
                header = number if seen == index else None
            continue
        if header is not None and field and re.match(rf"^{re.escape(field)}\s*=", line):
            return number
    return header


def load_table_file(path: Path) -> list[AtrPattern]:
    """Read one table file. Raises :class:`ConfigError` (file, pattern, field, line) if bad."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            str(path), "(file)", "ATR table not found; check [card] atr_table"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "(file)", f"cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"pattern"})
    if unknown:
        raise ConfigError(
            str(path), unknown[0], "unknown key; a table has only [[pattern]] entries"
        )
    rows = data.get("pattern", [])
    if not isinstance(rows, list):
        raise ConfigError(str(path), "pattern", "must be written as [[pattern]] tables")
    patterns = []
    for index, row in enumerate(rows):
        try:
            patterns.append(parse_pattern(row))
        except PatternError as exc:
            key = f"pattern[{index + 1}]" + (f".{exc.field}" if exc.field else "")
            line = _pattern_line(path, index, exc.field)
            raise ConfigError(str(path), key, exc.problem, line) from None
    return patterns


def load_atr_table(default_file: Path, site_file: Path | None = None) -> AtrTable:
    """The kiosk's table with a site's table searched first (when given)."""
    files = [f for f in (site_file, default_file) if f is not None]
    patterns: list[AtrPattern] = []
    for path in files:
        patterns += load_table_file(path)
    return AtrTable(tuple(patterns), tuple(str(f) for f in files))
