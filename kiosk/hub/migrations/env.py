"""Alembic environment: always run from :func:`kiosk.hub.db.migrate` with a live connection."""

from alembic import context

from kiosk.hub.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `kiosk-hub migrate`, not the alembic command")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
