"""deadlines, retention, deletion: postcard_runs.deadline_at, postcards.expired_at/deleted_at

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("postcard_runs") as batch:
        batch.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("postcards") as batch:
        batch.add_column(sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_postcards_created_at", ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("postcards") as batch:
        batch.drop_index("ix_postcards_created_at")
        batch.drop_column("deleted_at")
        batch.drop_column("expired_at")
    with op.batch_alter_table("postcard_runs") as batch:
        batch.drop_column("deadline_at")
