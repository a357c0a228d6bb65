"""employers: partner mapping, created_by, covering open-clause index

Revision ID: 9fb711829e38
Revises: 4cce6f0d13e3
Create Date: 2026-11-29 07:48:31.858027

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9fb711829e38'
down_revision = '4cce6f0d13e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_partner_mapping_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_mapping')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_mapping_name'))
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_employer_created_by_id_user'), 'user', ['created_by_id'], ['id'])

    # The open-clause index now covers everything Job.open_clause and the employer join
    # read, so counting the board is an index-only scan; the board pages newest first.
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status_closing'))
        batch_op.create_index('ix_job_status_closing', ['status', 'closing_date', 'filled', 'headcount', 'employer_id'], unique=False)
        batch_op.create_index('ix_job_status_published', ['status', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_status_published')
        batch_op.drop_index('ix_job_status_closing')
        batch_op.create_index(batch_op.f('ix_job_status_closing'), ['status', 'closing_date'], unique=False)

    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_employer_created_by_id_user'), type_='foreignkey')
        batch_op.drop_column('created_by_id')

    op.drop_table('partner_mapping')
