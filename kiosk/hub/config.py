"""Typed hub settings, loaded from ``kiosk_config/hub.toml`` and overlaid by a site's file.

Same rules as the kiosk's settings (:mod:`kiosk.config`, whose file-reading helpers this reuses):
the defaults file is the only source of defaults, unknown keys and wrong types are errors naming
file, line and key, and insecure settings are refused outside development mode.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.config import PROJECT_ROOT
from kiosk.core.errors import ConfigError
from kiosk.core.settings_io import owner, read_layers
from kiosk.core.tomlpos import describe_error, find_line

HUB_DEFAULTS_FILE = PROJECT_ROOT / "kiosk_config" / "hub.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServerSettings(_Section):
    host: str = Field(min_length=1)
    port: int = Field(ge=0, le=65535)
    development: bool


class HubPaths(_Section):
    data_dir: str

    def resolved_data_dir(self) -> Path:
        """The configured folder, else systemd's state folder, else $KIOSK_HUB_DATA, else ~."""
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        if os.environ.get("STATE_DIRECTORY"):
            return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
        if os.environ.get("KIOSK_HUB_DATA"):
            return Path(os.environ["KIOSK_HUB_DATA"]).expanduser()
        return Path.home() / ".local" / "state" / "kiosk-hub"


class DatabaseSettings(_Section):
    url: str
    pool_size: int = Field(ge=1, le=100)


class SecuritySettings(_Section):
    argon2_time_cost: int = Field(ge=2, le=20)
    argon2_memory_kib: int = Field(ge=19456, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(ge=1, le=16)
    session_idle_minutes: int = Field(ge=1, le=1440)
    session_max_hours: int = Field(ge=1, le=72)
    login_max_failures: int = Field(ge=1, le=100)
    login_lock_minutes: int = Field(ge=1, le=1440)
    enrolment_code_minutes: int = Field(ge=1, le=10080)
    cookie_secure: bool


class RequestSettings(_Section):
    expire_minutes: int = Field(ge=1, le=1440)
    escalation_minutes: int = Field(ge=1, le=240)
    sweep_seconds: int = Field(ge=1, le=60)
    average_help_minutes: int = Field(ge=1, le=120)


class EventSettings(_Section):
    long_poll_seconds: int = Field(ge=1, le=60)
    cross_instance: Literal["auto", "notify", "poll"]
    poll_interval_ms: int = Field(ge=50, le=5000)
    stream_keepalive_seconds: int = Field(ge=1, le=60)


class AssistSettings(_Section):
    """Assisted mode (issue #8): staff PINs and one-time unlock codes at a kiosk."""

    pin_max_failures: int = Field(ge=1, le=100)
    lock_minutes: int = Field(ge=1, le=1440)
    unlock_code_minutes: int = Field(ge=1, le=60)
    kiosk_online_seconds: int = Field(ge=10, le=3600)


class SiteDefaults(_Section):
    quick_messages: list[dict[str, str]] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _each_has_key_and_text(self) -> SiteDefaults:
        for message in self.quick_messages:
            if not message.get("key") or len(message) < 2:
                raise ValueError("each quick message needs a key and at least one language's text")
        return self


class HubSettings(_Section):
    """All hub settings. Build with :func:`load_hub_settings`, never by hand outside tests."""

    server: ServerSettings
    paths: HubPaths
    database: DatabaseSettings
    security: SecuritySettings
    requests: RequestSettings
    events: EventSettings
    assist: AssistSettings
    sites: SiteDefaults

    def database_url(self) -> str:
        """The configured URL, else the SQLite file in the data folder."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.paths.resolved_data_dir() / 'hub.sqlite'}"


def load_hub_settings(
    overlays: list[Path] | None = None,
    *,
    defaults: Path = HUB_DEFAULTS_FILE,
    extra: dict[str, Any] | None = None,
) -> HubSettings:
    """Load the defaults, overlay each site file in order, then ``extra`` (command options).

    Raises :class:`ConfigError` for the first problem, naming the file that set the key.
    """
    layers, merged = read_layers(defaults, overlays, extra)
    try:
        settings = HubSettings.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        path = owner(loc, layers)
        key = ".".join(str(p) for p in loc if not isinstance(p, int)) or "(top level)"
        problem = describe_error(dict(err)).replace(
            "kiosk_config/kiosk.toml", "kiosk_config/hub.toml"
        )
        raise ConfigError(str(path), key, problem, find_line(path, loc)) from None
    refused = insecure_setting(settings)
    if refused:
        loc, problem = refused
        path = owner(loc, layers)
        raise ConfigError(str(path), ".".join(loc), problem, find_line(path, loc))
    return settings


def insecure_setting(settings: HubSettings) -> tuple[tuple[str, str], str] | None:
    """The first setting refused in this combination, as (section, key) and why; else None."""
    # Why: a hub reachable by others must never hand out session cookies over plain HTTP,
    # and development shortcuts must never be reachable from the network.
    if not settings.server.development and not settings.security.cookie_secure:
        return ("security", "cookie_secure"), (
            "false is allowed only with server.development = true (plain-HTTP cookies)"
        )
    if settings.server.development and not is_loopback(settings.server.host):
        return ("server", "development"), (
            f"true is allowed only on a loopback host, not {settings.server.host!r}"
        )
    url = settings.database_url()
    if settings.events.cross_instance == "notify" and not url.startswith("postgresql"):
        return ("events", "cross_instance"), '"notify" needs a PostgreSQL database.url'
    return None
