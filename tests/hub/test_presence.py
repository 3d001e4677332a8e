"""The last-seen buffer is written in slices, never moving a time backwards."""

from __future__ import annotations

from datetime import timedelta

from kiosk.hub.app import flush_presence
from tests.hub.support import Clock, Driver


def test_flush_in_slices_writes_every_kiosk_once(lite: Driver, clock: Clock) -> None:
    hub = lite.client.app.state.hub
    site = lite.site("Kerava")
    tokens = [lite.kiosk(site, f"kiosk {n}") for n in range(5)]
    later = clock() + timedelta(minutes=3)
    ids = [k["id"] for k in lite.admin("GET", "/kiosks")]
    flush_presence(hub)  # the admin's session
    for kiosk_id in ids:
        hub.presence.kiosk_seen(kiosk_id, later)
    hub.presence.kiosk_seen(ids[0], later - timedelta(minutes=10))  # older: must not win
    assert flush_presence(hub, 2) == 2 and hub.presence.pending()
    assert flush_presence(hub, 2) == 2
    assert flush_presence(hub, 2) == 1 and not hub.presence.pending()
    assert flush_presence(hub, 2) == 0
    seen = {k["id"]: k["last_seen_at"] for k in lite.admin("GET", "/kiosks")}
    assert len(tokens) == len(seen) == 5
    assert seen[ids[0]].startswith("2026-11-24T12:00")  # enrolled at 12:00; 11:53 is older
    assert all(seen[i].startswith("2026-11-24T12:03") for i in ids[1:])
