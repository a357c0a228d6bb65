"""Job place detail: the town, street or industrial park below an opening's resolved area
(东莞市 + 长安镇), kept apart from the description; empty for existing openings.

Revision ID: 84d77791a4a1
Revises: 6116b88c2114
Create Date: 2026-12-05 03:07:56.893672

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84d77791a4a1'
down_revision = '6116b88c2114'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_detail', sa.String(length=128), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('place_detail')
