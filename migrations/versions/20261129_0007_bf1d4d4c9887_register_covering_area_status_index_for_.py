"""register: covering area/status index for worker counts, drop redundant worker indexes

Reviewed: only the register's changes (api_token is the API feature's). The list's counts
(area range, status, not merged) are served by one covering index; the single-column
indexes on name, area_code and household_id duplicate the first column of composite ones
and only slowed imports down.

Revision ID: bf1d4d4c9887
Revises: 8317ecb91310
Create Date: 2026-11-29 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'bf1d4d4c9887'
down_revision = '8317ecb91310'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index('ix_worker_area_status_active', ['area_code', 'status', 'merged_into_id'], unique=False)
        batch_op.drop_index('ix_worker_area_status')
        batch_op.drop_index(batch_op.f('ix_worker_area_code'))
        batch_op.drop_index(batch_op.f('ix_worker_household_id'))
        batch_op.drop_index(batch_op.f('ix_worker_name'))


def downgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_area_code'), ['area_code'], unique=False)
        batch_op.create_index('ix_worker_area_status', ['area_code', 'status'], unique=False)
        batch_op.drop_index('ix_worker_area_status_active')
