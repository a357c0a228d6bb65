"""worker: drop the indexes on status, category and merged_into_id alone

Each worker written (a roster import writes 100,000) updates every index of the table.
No query reads these three (0 scans in the province benchmark's web mix): status and
category hold a handful of values each and are read through the composite indexes that
start with area_code (ix_worker_area_status_active, ix_worker_area_id_active), and
merged_into_id is only ever asked to be empty (the partial indexes' condition). Workers
are never deleted, so the self-reference needs no index either.

Revision ID: 0dff8efa8f1c
Revises: c15a0ff1ce01
Create Date: 2026-12-05 07:31:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0dff8efa8f1c'
down_revision = 'c15a0ff1ce01'
branch_labels = None
depends_on = None

INDEXES = (("ix_worker_status", "status"), ("ix_worker_category", "category"),
           ("ix_worker_merged_into_id", "merged_into_id"))


def upgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        for name, _column in INDEXES:
            batch_op.drop_index(name)


def downgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        for name, column in INDEXES:
            batch_op.create_index(name, [column], unique=False)
