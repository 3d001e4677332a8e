"""Layered TOML settings files: the defaults file, then each site file, then command options.

Shared by the kiosk's settings (``kiosk/config.py``) and the hub's (``kiosk/hub/config.py``):
both read layers the same way and name the file that set a bad key. Pure: no validation
library here, each caller validates the merged mapping its own way.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from kiosk.core.errors import ConfigError

Layers = list[tuple[Path, dict[str, Any]]]


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            str(path), "(file)", "file not found; check the path given to --config"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "(file)", f"cannot be read: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 keeps the position only in the message: "... (at line 2, column 16)".
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}", line) from exc


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Overlay ``over`` on ``base`` one level of tables deep (sections, then keys)."""
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def owner(loc: tuple[Any, ...], layers: list[tuple[Path, dict[str, Any]]]) -> Path:
    """The last file (site file first) that sets the key at ``loc``; else the defaults file."""
    for path, data in reversed(layers):
        node: Any = data
        for part in loc:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                break
        else:
            return path
    return layers[0][0]


def read_layers(
    defaults: Path, overlays: list[Path] | None, extra: dict[str, Any] | None
) -> tuple[Layers, dict[str, Any]]:
    """Read ``defaults`` and each overlay (``extra`` last, from the command line); return the
    layers (for :func:`owner`) and their merge. Raises :class:`ConfigError` for a bad file."""
    layers: Layers = [(defaults, read_toml(defaults))]
    layers += [(Path(p), read_toml(Path(p))) for p in overlays or []]
    if extra:
        layers.append((Path("(command line)"), extra))
    merged: dict[str, Any] = {}
    for _, data in layers:
        merged = merge(merged, data)
    return layers, merged
