"""todo: the detail of an item in each language ({"zh": …, "en": …}), so an officer reads
it in their own language whoever (or whichever scheduled task) opened it; empty for
existing items (their detail is shown as written).

Revision ID: 5a1e7d20c915
Revises: 0dff8efa8f1c
Create Date: 2026-12-05 09:30:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1e7d20c915'
down_revision = '0dff8efa8f1c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail_words', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('todo', schema=None) as batch_op:
        batch_op.drop_column('detail_words')
