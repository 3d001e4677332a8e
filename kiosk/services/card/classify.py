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

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from kiosk.core.errors import ConfigError
from kiosk.core.tomlpos import describe_error

from .events import CardKind

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


class AtrPattern(BaseModel):
    """One row of the table. Exactly one of ``atr`` (optionally with ``mask``) or ``regex``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    kind: CardKind
    label: str
    source: str
    atr: str | None = None
    mask: str | None = None
    regex: str | None = None

    @model_validator(mode="after")
    def _one_way_to_match(self) -> AtrPattern:
        if (self.atr is None) == (self.regex is None):
            raise ValueError("give exactly one of atr (with an optional mask) or regex")
        if self.mask is not None and self.atr is None:
            raise ValueError("mask needs atr")
        for name in ("atr", "mask"):
            value = getattr(self, name)
            if value is not None and not _HEX_BYTES.match(value.strip()):
                raise ValueError(f"{name} must be hex bytes like '3B 7F 96' (got {value!r})")
        if self.mask is not None and len(normalize_atr(self.mask)) != len(
            normalize_atr(self.atr or "")
        ):
            raise ValueError("mask must be as long as atr")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return self

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
            patterns.append(AtrPattern.model_validate(row))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = next((str(p) for p in err["loc"] if isinstance(p, str)), None)
            key = f"pattern[{index + 1}]" + (f".{field}" if field else "")
            line = _pattern_line(path, index, field)
            raise ConfigError(str(path), key, describe_error(err), line) from None
    return patterns


def load_atr_table(default_file: Path, site_file: Path | None = None) -> AtrTable:
    """The kiosk's table with a site's table searched first (when given)."""
    files = [f for f in (site_file, default_file) if f is not None]
    patterns: list[AtrPattern] = []
    for path in files:
        patterns += load_table_file(path)
    return AtrTable(tuple(patterns), tuple(str(f) for f in files))
