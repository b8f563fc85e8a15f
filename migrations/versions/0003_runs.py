"""runs: every run of a postcard in postcard_runs; the postcard points at its current run

Revision ID: 0003
Revises: 0002

The first run's status, steps and results move from `postcards` into `postcard_runs` (as
revision 1), beside the regenerates' runs that `postcard_revisions` held; `postcards` keeps the
request and `revision`, the run it shows. The view `postcard_current` gives the original
design's `postcards` columns (status, results, error) from each postcard's current run.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RUN_RESULTS = (
    "concept, content, image_url, image_key, frontend_code, page_key, preview_url, error"
)
MOVED = (
    "status",
    "concept",
    "content",
    "image_url",
    "image_key",
    "frontend_code",
    "page_key",
    "preview_url",
    "current_step",
    "steps",
    "error",
    "error_message",
    "retry_count",
    "updated_at",
    "completed_at",
)
VIEW = """
CREATE VIEW postcard_current AS
SELECT p.id, p.task_id, p.user_id, r.status, p.user_input, p.style, p.theme, p.language,
       r.concept, r.content, r.image_url, r.frontend_code, r.preview_url, r.current_step,
       r.steps, r.error, r.error_message, r.retry_count, p.created_at, r.updated_at,
       r.finished_at AS completed_at, p.revision
FROM postcards p JOIN postcard_runs r ON r.task_id = p.task_id AND r.revision = p.revision
"""


def upgrade() -> None:
    op.create_table(
        "postcard_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("current_step", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=True),
        sa.Column("concept", sa.JSON(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("image_url", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("image_key", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("frontend_code", sa.Text(), nullable=True),
        sa.Column("page_key", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("preview_url", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("retry_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "revision"),
    )
    op.create_index("ix_postcard_runs_task_id", "postcard_runs", ["task_id"])
    op.create_index("ix_postcard_runs_status", "postcard_runs", ["status"])
    # Revisions as they were (revision 1 included, copied there by the first regenerate) …
    op.execute(
        "INSERT INTO postcard_runs (id, task_id, revision, status, step, instruction, steps, "
        f"{RUN_RESULTS}, retry_count, created_at, updated_at, finished_at) "
        "SELECT id, task_id, revision, status, step, instruction, steps, "
        f"{RUN_RESULTS}, 0, created_at, updated_at, finished_at FROM postcard_revisions"
    )
    # … and the first run of every postcard never regenerated, from its own columns.
    op.execute(
        "INSERT INTO postcard_runs (id, task_id, revision, status, current_step, steps, "
        f"{RUN_RESULTS}, error_message, retry_count, created_at, updated_at, finished_at) "
        "SELECT id, task_id, 1, status, current_step, steps, "
        f"{RUN_RESULTS}, error_message, retry_count, created_at, updated_at, completed_at "
        "FROM postcards WHERE task_id NOT IN (SELECT task_id FROM postcard_revisions)"
    )
    op.drop_index("ix_postcard_revisions_task_id", table_name="postcard_revisions")
    op.drop_table("postcard_revisions")
    with op.batch_alter_table("postcards") as batch:
        batch.drop_index("ix_postcards_status")
        for column in MOVED:
            batch.drop_column(column)
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW postcard_current")
    with op.batch_alter_table("postcards") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="PENDING"))
        for name, kind in (
            ("concept", sa.JSON()),
            ("content", sa.JSON()),
            ("image_url", sa.String(1024)),
            ("image_key", sa.String(512)),
            ("frontend_code", sa.Text()),
            ("page_key", sa.String(512)),
            ("preview_url", sa.String(1024)),
            ("current_step", sa.String(16)),
            ("steps", sa.JSON()),
            ("error", sa.JSON()),
            ("error_message", sa.Text()),
            ("completed_at", sa.DateTime(timezone=True)),
        ):
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.add_column(sa.Column("retry_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_postcards_status", ["status"])
    columns = (
        "status, concept, content, image_url, image_key, frontend_code, page_key, preview_url, "
        "current_step, steps, error, error_message, retry_count, updated_at"
    )
    op.execute(
        f"UPDATE postcards SET ({columns}, completed_at) = (SELECT {columns}, finished_at "
        "FROM postcard_runs r WHERE r.task_id = postcards.task_id AND r.revision = postcards.revision)"
    )
    op.create_table(
        "postcard_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(16), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=True),
        sa.Column("concept", sa.JSON(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("image_url", sa.String(1024), nullable=True),
        sa.Column("image_key", sa.String(512), nullable=True),
        sa.Column("frontend_code", sa.Text(), nullable=True),
        sa.Column("page_key", sa.String(512), nullable=True),
        sa.Column("preview_url", sa.String(1024), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "revision"),
    )
    op.create_index("ix_postcard_revisions_task_id", "postcard_revisions", ["task_id"])
    op.execute(
        "INSERT INTO postcard_revisions (id, task_id, revision, status, step, instruction, "
        f"steps, {RUN_RESULTS}, created_at, updated_at, finished_at) "
        "SELECT id, task_id, revision, status, step, instruction, "
        f"steps, {RUN_RESULTS}, created_at, updated_at, finished_at FROM postcard_runs "
        "WHERE task_id IN (SELECT task_id FROM postcard_runs WHERE revision > 1)"
    )
    op.drop_index("ix_postcard_runs_status", table_name="postcard_runs")
    op.drop_index("ix_postcard_runs_task_id", table_name="postcard_runs")
    op.drop_table("postcard_runs")
