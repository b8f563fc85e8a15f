"""revisions: postcards.revision and the postcard_revisions table

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("postcards") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "postcard_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=True),
        sa.Column("concept", sa.JSON(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("image_url", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("image_key", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("frontend_code", sa.Text(), nullable=True),
        sa.Column("page_key", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("preview_url", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "revision"),
    )
    op.create_index("ix_postcard_revisions_task_id", "postcard_revisions", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_postcard_revisions_task_id", table_name="postcard_revisions")
    op.drop_table("postcard_revisions")
    with op.batch_alter_table("postcards") as batch:
        batch.drop_column("revision")
