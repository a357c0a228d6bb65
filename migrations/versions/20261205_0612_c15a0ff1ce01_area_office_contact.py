"""area office contact (phone and address of an area's employment service office);
notification params (in-app messages said again in the reader's language)

Revision ID: c15a0ff1ce01
Revises: f659ee117d60
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15a0ff1ce01'
down_revision = 'f659ee117d60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_phone', sa.String(length=32), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('office_address', sa.String(length=200),
                                      server_default='', nullable=False))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('params')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('office_address')
        batch_op.drop_column('office_phone')
