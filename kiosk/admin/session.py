"""Where ``kiosk-admin login`` keeps the admin's session: one small JSON file, mode 0600, in the
user's config folder ($XDG_CONFIG_HOME/kiosk-admin or ~/.config/kiosk-admin)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.errors import KioskError


@dataclass(frozen=True)
class SavedSession:
    hub: str
    token: str
    name: str


def session_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kiosk-admin" / "session.json"


def save(session: SavedSession) -> Path:
    """Write the session readable only by its user (created 0600, never world-readable)."""
    path = session_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"hub": session.hub, "token": session.token, "name": session.name}, out)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def load() -> SavedSession:
    path = session_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SavedSession(hub=data["hub"], token=data["token"], name=data["name"])
    except FileNotFoundError:
        raise KioskError(
            "not logged in; run `kiosk-admin login --hub URL` or pass --hub and --user"
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise KioskError(
            f"{path}: unreadable session file; run `kiosk-admin login` again"
        ) from None


def forget() -> None:
    session_file().unlink(missing_ok=True)
