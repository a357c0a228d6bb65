"""duplicate pairs belong to the smallest area holding both people

A pair of workers in two counties was filed under the second worker's county, so that
county's officer saw a person of another county. Open and closed pairs alike move to the
smallest area holding both: the county, their prefecture or the province.

Revision ID: 3c1d7e0f5a21
Revises: 242ac504c2da
Create Date: 2026-12-05 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c1d7e0f5a21'
down_revision = '242ac504c2da'
branch_labels = None
depends_on = None


def upgrade():
    a = "(SELECT area_code FROM worker WHERE worker.id = duplicate_flag.worker_a_id)"
    b = "(SELECT area_code FROM worker WHERE worker.id = duplicate_flag.worker_b_id)"
    op.execute(sa.text(f"""
        UPDATE duplicate_flag SET area_code = CASE
            WHEN {a} = {b} THEN {a}
            WHEN substr({a}, 1, 4) = substr({b}, 1, 4) THEN substr({a}, 1, 4) || '00'
            WHEN substr({a}, 1, 2) = substr({b}, 1, 2) THEN substr({a}, 1, 2) || '0000'
            ELSE '000000' END
    """))


def downgrade():
    op.execute(sa.text("""
        UPDATE duplicate_flag SET area_code =
            (SELECT area_code FROM worker WHERE worker.id = duplicate_flag.worker_b_id)
    """))
