"""The kiosk's enrolment: its own token for the hub, in one file readable only by its user.

The file ``hub_token.json`` in the data folder holds the hub's address, the token and what the hub
said about the kiosk (id, site, place). It is written with mode 0600 from the start (never created
readable and then narrowed) and replaced atomically, so a crash never leaves half a token.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.core.errors import KioskError

TOKEN_FILE = "hub_token.json"


@dataclass(frozen=True)
class Enrolment:
    hub_url: str
    token: str
    kiosk_id: int
    site_name: str
    place: str


def token_path(data_dir: Path) -> Path:
    return data_dir / TOKEN_FILE


def save_enrolment(data_dir: Path, enrolment: Enrolment) -> Path:
    """Write the enrolment with mode 0600 and return the file's path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    final = token_path(data_dir)
    temp = final.with_name(final.name + ".tmp")
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(enrolment), out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, final)
    return final


def load_enrolment(data_dir: Path) -> Enrolment | None:
    """The saved enrolment, or None when the kiosk has not been enrolled.

    Raises :class:`KioskError` naming the file when it exists but cannot be used.
    """
    path = token_path(data_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Enrolment(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise KioskError(
            f"{path}: the hub enrolment cannot be read ({exc}); enrol again with "
            "`kiosk enroll CODE --hub URL`."
        ) from None
