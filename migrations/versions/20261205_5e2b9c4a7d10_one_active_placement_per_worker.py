"""one active placement per worker (a partial unique index)

Before the index, any worker holding two active placements keeps the newest one active and
the older ones end as "changed" on the newer one's start date (what a job change records).

Revision ID: 5e2b9c4a7d10
Revises: 3c1d7e0f5a21
Create Date: 2026-12-05 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e2b9c4a7d10'
down_revision = '3c1d7e0f5a21'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("""
        UPDATE placement SET status = 'ended', end_kind = 'changed',
            end_date = (SELECT MAX(n.start_date) FROM placement n
                        WHERE n.worker_id = placement.worker_id AND n.status = 'active'
                          AND n.id > placement.id)
        WHERE status = 'active' AND EXISTS (
            SELECT 1 FROM placement n WHERE n.worker_id = placement.worker_id
              AND n.status = 'active' AND n.id > placement.id)
    """))
    op.execute(sa.text("""
        UPDATE placement SET end_date = start_date
        WHERE status = 'ended' AND end_date IS NOT NULL AND end_date < start_date
    """))
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index('uq_placement_active_worker', ['worker_id'], unique=True,
                              postgresql_where=sa.text("status = 'active'"),
                              sqlite_where=sa.text("status = 'active'"))


def downgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('uq_placement_active_worker',
                            postgresql_where=sa.text("status = 'active'"),
                            sqlite_where=sa.text("status = 'active'"))
