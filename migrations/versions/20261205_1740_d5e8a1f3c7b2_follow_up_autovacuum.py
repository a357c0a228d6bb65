"""follow_up: PostgreSQL vacuums it after every 1,000 changed rows, not after 20 % of it

The follow-up queue's tab counts (and the dashboard's) are index-only scans of the open
follow-ups' partial index. Every recorded outcome updates a follow-up: its old entry stays
in the index, and its page loses the visibility map's all-visible bit, until a vacuum.
With the default thresholds autovacuum waits for 20 % of the table (240,000 changed rows
at province scale, months of outcomes), so the counts visited the heap for ever more
entries: after ~5,000 outcomes the province's count read 19,000 heap pages, 31 ms instead
of 10 ms. A vacuum after every 1,000 changed (or inserted) rows keeps the counts
index-only; each one reads only the pages changed since the last (~0.4 s of one core
after 5,000 outcomes at province scale).

Revision ID: d5e8a1f3c7b2
Revises: c4d2a9e7f1b3
Create Date: 2026-12-05 17:40:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5e8a1f3c7b2'
down_revision = 'c4d2a9e7f1b3'
branch_labels = None
depends_on = None

SETTINGS = ('autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_threshold',
            'autovacuum_vacuum_insert_scale_factor', 'autovacuum_vacuum_insert_threshold')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':  # SQLite has no autovacuum to tune
        op.execute('ALTER TABLE follow_up SET (autovacuum_vacuum_scale_factor = 0, '
                   'autovacuum_vacuum_threshold = 1000, '
                   'autovacuum_vacuum_insert_scale_factor = 0, '
                   'autovacuum_vacuum_insert_threshold = 1000)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"ALTER TABLE follow_up RESET ({', '.join(SETTINGS)})")
