"""worker: PostgreSQL learns which counties hold which categories of worker

Categories are not spread evenly over the counties: relocated workers live in the
counties with relocation sites, and a county without one has none. The planner took the
two columns for independent and expected ~8,000 relocated workers in such a county (its
share of the province times the province's share of relocated workers); to list the
newest 50 it walked the primary key backwards through the whole register and found
none: 180-210 ms for the worker list filtered by category in three counties of the
province scale, 7.7 ms on average over the 88 counties. Extended statistics (the most
common (county, category) pairs, 1,000 of them: every pair the province has) tell it
which pairs exist: 2.0 ms on average, 15-19 ms at worst.

Revision ID: c4d2a9e7f1b3
Revises: b7c3e1f4a2d6
Create Date: 2026-12-05 15:30:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d2a9e7f1b3'
down_revision = 'b7c3e1f4a2d6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':  # SQLite plans without statistics objects
        op.execute('CREATE STATISTICS IF NOT EXISTS st_worker_area_category (mcv) '
                   'ON area_code, category FROM worker')
        op.execute('ALTER STATISTICS st_worker_area_category SET STATISTICS 1000')
        op.execute('ANALYZE worker')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP STATISTICS IF EXISTS st_worker_area_category')
