"""register: merged workers, household and duplicate indexes, import jobs

Reviewed: only the register's and imports' changes; other features' pending tables
(api_token, partner_mapping, courses, enrolments…) are left to their own revisions.

Revision ID: 4cce6f0d13e3
Revises: 04406f1865ab
Create Date: 2026-11-29 07:46:02.910102

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4cce6f0d13e3'
down_revision = '04406f1865ab'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=256), nullable=False),
    sa.Column('stored_path', sa.String(length=512), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('bad', sa.Integer(), nullable=False),
    sa.Column('blank', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('bad_rows', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('area_code', sa.String(length=6), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status in ('queued', 'running', 'done', 'failed')", name=op.f('ck_import_job_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_import_job_created_by_id_user')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_import_job_employer_id_employer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_kind'), ['kind'], unique=False)

    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_worker_household_status', ['household_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_worker_name_birth', ['name', 'birth_date'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_worker_merged_into_id_worker'), 'worker', ['merged_into_id'], ['id'])


def downgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_worker_merged_into_id_worker'), type_='foreignkey')
        batch_op.drop_index('ix_worker_name_birth')
        batch_op.drop_index('ix_worker_household_status')
        batch_op.drop_index(batch_op.f('ix_worker_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_job_kind'))
        batch_op.drop_index(batch_op.f('ix_import_job_employer_id'))
        batch_op.drop_index(batch_op.f('ix_import_job_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_import_job_area_code'))

    op.drop_table('import_job')
