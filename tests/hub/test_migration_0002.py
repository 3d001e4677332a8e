"""Migration 0002 (assisted mode) upgrades a hub that has data at 0001: rows are kept, staff
get no PIN and no card, and the new tables work."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select, text

from kiosk.hub.db import MIGRATIONS, make_engine, migrate, session_factory
from kiosk.hub.models import AssistSession, Staff

T = "2026-11-20 10:00:00"


def _upgrade_to(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def _fill_0001(engine) -> None:  # type: ignore[no-untyped-def]
    """A little of everything 0001 knows, written as plain SQL (no 0002 model involved)."""
    statements = [
        "INSERT INTO sites (id, name, address, opening_hours, guidance_hours, escalation_minutes,"
        " quick_messages, created_at) VALUES (1, 'Pasila', '', '', '', 5, '[]', :t)",
        "INSERT INTO staff (id, name, display_name, role, password_hash, disabled, created_at)"
        " VALUES (1, 'admin', 'Admin', 'admin', 'x', false, :t),"
        " (2, 'anna', 'Anna', 'staff', 'y', false, :t)",
        "INSERT INTO staff_sites (staff_id, site_id) VALUES (2, 1)",
        "INSERT INTO kiosks (id, site_id, place, token_hash, revoked, enrolled_at, app_version,"
        " pack_versions) VALUES (1, 1, 'hall', 'h', false, :t, '1', '{}')",
        "INSERT INTO help_requests (id, site_id, kiosk_id, place, language, text_size, read_aloud,"
        " stuck_seconds, state, created_at, helper_id) VALUES"
        " (1, 1, 1, 'hall', 'fi', 100, false, 0, 'claimed', :t, 2)",
        "INSERT INTO audit_log (id, at, staff_id, action, detail) VALUES"
        " (1, :t, 2, 'request.claim', '{}')",
        "INSERT INTO staff_sessions (id, token_hash, csrf_token, staff_id, created_at,"
        " last_seen_at, expires_at) VALUES (1, 's', 'c', 2, :t, :t, :t)",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"t": T})


def test_upgrade_from_0001_keeps_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _upgrade_to(engine, "0001")
        assert "assist_sessions" not in inspect(engine).get_table_names()
        _fill_0001(engine)
        migrate(engine)  # to head, as every start does
        migrate(engine)  # and again: nothing to do
        names = set(inspect(engine).get_table_names())
        assert {"assist_sessions", "unlock_codes", "assist_failures"} <= names
        with session_factory(engine)() as db:
            staff = {s.name: s for s in db.scalars(select(Staff))}
            assert set(staff) == {"admin", "anna"}
            assert staff["anna"].pin_hash is None and staff["anna"].card_uid is None
            assert staff["anna"].password_hash == "y"
            counts = {
                table: db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("help_requests", "audit_log", "staff_sessions", "staff_sites")
            }
            assert counts == {
                "help_requests": 1,
                "audit_log": 1,
                "staff_sessions": 1,
                "staff_sites": 1,
            }
            # Many staff without a card; one card belongs to one person.
            staff["admin"].card_uid = "04A1B2C3"
            db.add(
                AssistSession(
                    kiosk_id=1,
                    staff_id=2,
                    method="code",
                    started_at=datetime(2026, 11, 20, 11, tzinfo=UTC),
                    ended_at=None,
                    end_reason=None,
                )
            )
            db.commit()
            indexes = {i["name"]: i for i in inspect(engine).get_indexes("staff")}
            assert indexes["ix_staff_card_uid"]["unique"]
    finally:
        engine.dispose()
