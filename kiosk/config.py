"""Typed kiosk settings, loaded from ``kiosk_config/kiosk.toml`` and overlaid by a site's file.

The defaults file is the only source of defaults: the structs below declare types and allowed
values but no default values, so a key missing from the defaults file is a bug a test catches.
A site file may name only what differs. Every problem stops start-up with a
:class:`~kiosk.core.errors.ConfigError` naming the file, line, key and what is allowed.

Validation uses msgspec rather than pydantic because the kiosk validates its settings before
its first frame, and msgspec imports in ~5 ms where pydantic takes ~200 ms on a Pi-class CPU
(see tests/bench/bench_startup.py). The hub and the pack format use pydantic.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from kiosk.core.errors import ConfigError
from kiosk.core.settings_io import owner, read_layers
from kiosk.core.tomlpos import describe_msgspec_error, find_line

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = PROJECT_ROOT / "kiosk_config" / "kiosk.toml"

Language = Literal["fi", "sv", "en", "se"]
TextSize = Literal[100, 150, 200]
SpeechRate = Literal["slower", "normal", "faster"]
Seconds = Annotated[int, Meta(ge=1)]


class _Section(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A settings section: unknown keys are errors; values are never coerced between types."""


class DisplaySettings(_Section, frozen=True):
    fullscreen: bool
    window_size: Annotated[list[int], Meta(min_length=2, max_length=2)]
    kiosk_mode: bool
    show_cursor: bool

    def __post_init__(self) -> None:
        w, h = self.window_size
        if not (320 <= w <= 7680 and 240 <= h <= 4320):
            raise ValueError("window_size must be [width, height] within 320x240 .. 7680x4320")


class VisitorDefaults(_Section, frozen=True):
    languages: Annotated[list[Language], Meta(min_length=1)]
    default_language: Language
    text_size: TextSize
    high_contrast: bool
    read_aloud: bool
    speech_rate: SpeechRate
    volume: Annotated[int, Meta(ge=0, le=100)]

    def __post_init__(self) -> None:
        if self.default_language not in self.languages:
            raise ValueError("default_language must be one of languages")


class SessionSettings(_Section, frozen=True):
    idle_seconds: Annotated[int, Meta(ge=30, le=3600)]
    warning_seconds: Annotated[int, Meta(ge=20, le=300)]
    out_of_order_seconds: Annotated[int, Meta(ge=5, le=300)]
    attract_seconds: Annotated[int, Meta(ge=2, le=30)]


class PathSettings(_Section, frozen=True):
    data_dir: str

    def resolved_data_dir(self) -> Path:
        """The data folder: the configured one, else systemd's state folder, else the user's."""
        if self.data_dir:
            return Path(self.data_dir)
        if os.environ.get("STATE_DIRECTORY"):
            return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
        return Path.home() / ".local" / "state" / "kiosk"


class ContentSettings(_Section, frozen=True):
    bundled_packs: bool
    pack_dirs: list[str]


class SpeechSettings(_Section, frozen=True):
    voices: dict[str, str]
    words_per_minute: Annotated[int, Meta(ge=80, le=300)]
    rate_factors: dict[SpeechRate, float]
    player: Annotated[list[str], Meta(min_length=1)]

    def __post_init__(self) -> None:
        missing = {"slower", "normal", "faster"} - set(self.rate_factors)
        if missing:
            raise ValueError(
                f"rate_factors must set slower, normal and faster; missing {sorted(missing)}"
            )
        if not all(0.3 <= f <= 3.0 for f in self.rate_factors.values()):
            raise ValueError("each rate factor must be between 0.3 and 3.0")


class HubSettings(_Section, frozen=True):
    """The link to the helper hub (kiosk/services/hublink; docs/helper-link.md)."""

    url: str
    heartbeat_seconds: Annotated[int, Meta(ge=5, le=600)]
    retry_first_seconds: Annotated[float, Meta(ge=0.1, le=60)]
    retry_max_seconds: Annotated[float, Meta(ge=0.1, le=3600)]
    status_refresh_seconds: Annotated[int, Meta(ge=2, le=300)]
    long_poll_seconds: Annotated[int, Meta(ge=1, le=60)]
    request_timeout_seconds: Annotated[float, Meta(ge=1, le=120)]
    outbox_max_age_minutes: Annotated[int, Meta(ge=1, le=10080)]

    def __post_init__(self) -> None:
        if self.url and not re.match(r"^https?://[^\s/]+", self.url):
            raise ValueError('url must start with "https://" or "http://" (or be empty)')
        if self.retry_max_seconds < self.retry_first_seconds:
            raise ValueError("retry_max_seconds must not be below retry_first_seconds")


CardEventName = Literal["inserted", "removed", "reader_added", "reader_removed"]
CardKindName = Literal["id_card", "bank_card", "staff_card", "unknown"]


class CardCommandHook(_Section, frozen=True):
    """Run ``argv`` (no shell) on the listed events for the listed kinds ([] = every kind)."""

    events: Annotated[list[CardEventName], Meta(min_length=1)]
    kinds: list[CardKindName]
    argv: Annotated[list[str], Meta(min_length=1)]


class CardPythonHook(_Section, frozen=True):
    """Call ``entry_point`` ("package.module:function") with the event."""

    events: Annotated[list[CardEventName], Meta(min_length=1)]
    kinds: list[CardKindName]
    entry_point: Annotated[str, Meta(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")]


class CardSettings(_Section, frozen=True):
    enabled: bool
    end_session_on_removal: bool
    atr_table: str
    readers: list[str]
    reconnect_max_seconds: Annotated[float, Meta(ge=1, le=600)]
    hook_timeout_seconds: Annotated[float, Meta(gt=0, le=300)]
    hook_staff_uid: bool
    command_hooks: list[CardCommandHook]
    python_hooks: list[CardPythonHook]


class RealService(_Section, frozen=True):
    """A real e-service the helper may open in assisted mode: its name on the button and URL."""

    name: Annotated[str, Meta(min_length=1, max_length=60)]
    url: Annotated[str, Meta(pattern=r"^https?://[^\s/]+", max_length=500)]


class AssistSettings(_Section, frozen=True):
    """Assisted mode: staff at the kiosk (docs/assisted.md)."""

    idle_exit_seconds: Annotated[int, Meta(ge=30, le=3600)]
    login_timeout_seconds: Annotated[int, Meta(ge=15, le=600)]
    long_press_seconds: Annotated[float, Meta(ge=1, le=10)]
    corner_px: Annotated[int, Meta(ge=48, le=400)]
    emergency_code_hash: str
    emergency_max_attempts: Annotated[int, Meta(ge=1, le=20)]
    emergency_lock_minutes: Annotated[int, Meta(ge=1, le=1440)]
    service_areas: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=60)]], Meta(min_length=1)
    ]
    real_services: list[RealService]
    browser_command: Annotated[list[str], Meta(min_length=1)]

    def __post_init__(self) -> None:
        if self.emergency_code_hash and not self.emergency_code_hash.startswith("$argon2id$"):
            raise ValueError(
                "emergency_code_hash must be an argon2id hash from `kiosk assist hash-code` "
                "(it starts with $argon2id$), or empty"
            )
        if not any("{url}" in arg for arg in self.browser_command):
            raise ValueError('browser_command must contain "{url}" in one of its arguments')


class Settings(_Section, frozen=True):
    """All kiosk settings. Build with :func:`load_settings`, never by hand outside tests."""

    display: DisplaySettings
    visitor: VisitorDefaults
    session: SessionSettings
    paths: PathSettings
    content: ContentSettings
    speech: SpeechSettings
    hub: HubSettings
    card: CardSettings
    assist: AssistSettings


def load_settings(
    overlays: list[Path] | None = None,
    *,
    defaults: Path = DEFAULTS_FILE,
    extra: dict[str, Any] | None = None,
) -> Settings:
    """Load the defaults, overlay each site file in order, then ``extra`` (from command options).

    Raises :class:`ConfigError` for the first problem found, naming the file that set the key.
    """
    layers, merged = read_layers(defaults, overlays, extra)
    try:
        # TOML has real integers: an int is accepted where a float is wanted, nothing else.
        return msgspec.convert(merged, Settings, strict=True)
    except msgspec.ValidationError as exc:
        loc, problem = describe_msgspec_error(str(exc), Settings, merged)
        path = owner(loc, layers)
        key = ".".join(str(p) for p in loc if not isinstance(p, int)) or "(top level)"
        raise ConfigError(str(path), key, problem, find_line(path, loc)) from None
