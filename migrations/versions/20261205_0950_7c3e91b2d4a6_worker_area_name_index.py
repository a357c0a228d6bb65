"""worker: a county's name search reads (area_code, name), not the province's namesakes

A search by the start of a name (王芳) inside a county read the province-wide
(name, birth_date) index, then visited every namesake's table page to keep the county's:
771 pages for 22 rows at province scale, ~11 ms of database CPU per search. The partial
index on (area_code, name) of workers still on the register answers it from the county's
few entries, like the pinyin, initials and number-tail searches already are (0.15 ms).

PostgreSQL must also know how common a name is: with the default statistics (100
histogram buckets over a million names) it took 王芳 for one person in the province and
kept the province-wide index. 1,000 buckets for worker.name tell it there are hundreds.

Revision ID: 7c3e91b2d4a6
Revises: 5a1e7d20c915
Create Date: 2026-12-05 09:50:00+00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3e91b2d4a6'
down_revision = '5a1e7d20c915'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index('ix_worker_area_name_active', ['area_code', 'name'], unique=False,
                              postgresql_where=sa.text('merged_into_id IS NULL'),
                              sqlite_where=sa.text('merged_into_id IS NULL'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE worker ALTER COLUMN name SET STATISTICS 1000')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE worker ALTER COLUMN name SET STATISTICS -1')
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_index('ix_worker_area_name_active',
                            postgresql_where=sa.text('merged_into_id IS NULL'),
                            sqlite_where=sa.text('merged_into_id IS NULL'))
