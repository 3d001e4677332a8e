"""assisted mode: staff PINs and cards, assist sessions, unlock codes, per-kiosk lock

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00

Why plain ADD COLUMN and a unique index (not a batch table copy): on SQLite a batch migration
recreates ``staff``, and dropping the old table with foreign keys on fails once other tables
point at its rows. Nullable columns and a unique index need no copy on SQLite or PostgreSQL
(both allow many NULLs in a unique index).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("pin_hash", sa.String(length=200), nullable=True))
    op.add_column("staff", sa.Column("card_uid", sa.String(length=20), nullable=True))
    op.create_index("ix_staff_card_uid", "staff", ["card_uid"], unique=True)
    op.create_table(
        "assist_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assist_sessions_kiosk_id", "assist_sessions", ["kiosk_id"])
    op.create_table(
        "unlock_codes",
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    op.create_table(
        "assist_failures",
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    # The audit page filters by time, kiosk and staff member.
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("assist_failures")
    op.drop_table("unlock_codes")
    op.drop_index("ix_assist_sessions_kiosk_id", table_name="assist_sessions")
    op.drop_table("assist_sessions")
    op.drop_index("ix_staff_card_uid", table_name="staff")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("card_uid")
        batch.drop_column("pin_hash")
