"""worker status change: the reason in each language ({"zh": …, "en": …}) when the product
wrote it ("Enrolled in a course"), so the worker page's status history reads in the
reader's language; empty for existing rows (their reason is shown as written).

Revision ID: b7c3e1f4a2d6
Revises: 7c3e91b2d4a6
Create Date: 2026-12-05 10:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3e1f4a2d6'
down_revision = '7c3e91b2d4a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('worker_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_words', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('worker_status_change', schema=None) as batch_op:
        batch_op.drop_column('reason_words')
