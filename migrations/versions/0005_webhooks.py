"""webhooks: a run's own webhook, users' endpoints, the deliveries outbox and their attempts

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite rebuilds a table to drop its columns, which a view on it forbids: the downgrade drops
# and recreates 0003's view around that.
VIEW = """
CREATE VIEW postcard_current AS
SELECT p.id, p.task_id, p.user_id, r.status, p.user_input, p.style, p.theme, p.language,
       r.concept, r.content, r.image_url, r.frontend_code, r.preview_url, r.current_step,
       r.steps, r.error, r.error_message, r.retry_count, p.created_at, r.updated_at,
       r.finished_at AS completed_at, p.revision
FROM postcards p JOIN postcard_runs r ON r.task_id = p.task_id AND r.revision = p.revision
"""


def upgrade() -> None:
    with op.batch_alter_table("postcard_runs") as batch:
        batch.add_column(sa.Column("webhook_url", sa.String(2048), nullable=True))
        batch.add_column(sa.Column("webhook_events", sa.JSON(), nullable=True))
    op.create_table(
        "webhook_endpoints",
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("events", sa.JSON(), nullable=True),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(160), nullable=False),
        sa.Column("task_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("signer", sa.String(128), nullable=True),
        sa.Column("webhook_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("redeliveries", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_deliveries_task_id", "webhook_deliveries", ["task_id"])
    op.create_index("ix_webhook_deliveries_dispatched_at", "webhook_deliveries", ["dispatched_at"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("delivery_id", sa.String(160), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_delivery_id", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_deliveries_dispatched_at", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_task_id", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.execute("DROP VIEW postcard_current")
    with op.batch_alter_table("postcard_runs") as batch:
        batch.drop_column("webhook_events")
        batch.drop_column("webhook_url")
    op.execute(VIEW)
