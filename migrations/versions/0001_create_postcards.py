"""create postcards

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 07:48:20.758408
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postcards',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_input', sa.Text(), nullable=False),
    sa.Column('style', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('concept', sa.JSON(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.Column('image_url', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('image_key', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('frontend_code', sa.Text(), nullable=True),
    sa.Column('page_key', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('preview_url', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('current_step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('steps', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('retry_count', sa.Integer(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('postcards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postcards_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_postcards_task_id'), ['task_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_postcards_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_postcards_user_created', ['user_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('postcards', schema=None) as batch_op:
        batch_op.drop_index('ix_postcards_user_created')
        batch_op.drop_index(batch_op.f('ix_postcards_user_id'))
        batch_op.drop_index(batch_op.f('ix_postcards_task_id'))
        batch_op.drop_index(batch_op.f('ix_postcards_status'))

    op.drop_table('postcards')
