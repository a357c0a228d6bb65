"""matching: worker skills, match runs and results

Only the matching tables: WorkerSkill (typed skills resolved to the taxonomy, unresolved
text kept with skill_code NULL), MatchRun and MatchResult (the stored batch).

Revision ID: c62d42ef7da6
Revises: 8da28bcd6059
Create Date: 2026-11-29 07:38:46.939682

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c62d42ef7da6'
down_revision = '8da28bcd6059'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('workers', sa.Integer(), nullable=False),
    sa.Column('jobs', sa.Integer(), nullable=False),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_run'))
    )
    op.create_table('match_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=6), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_match_result_job_id_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['match_run.id'], name=op.f('fk_match_result_run_id_match_run')),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_match_result_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_result')),
    sa.UniqueConstraint('worker_id', 'rank', name='uq_match_result_worker_rank')
    )
    with op.batch_alter_table('match_result', schema=None) as batch_op:
        batch_op.create_index('ix_match_result_area', ['area_code'], unique=False)
        batch_op.create_index('ix_match_result_job_score', ['job_id', 'score'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_result_run_id'), ['run_id'], unique=False)

    op.create_table('worker_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=48), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('source_text', sa.String(length=128), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_worker_skill_level_range')),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_worker_skill_worker_id_worker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_skill'))
    )
    with op.batch_alter_table('worker_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_skill_worker_id'), ['worker_id'], unique=False)


def downgrade():
    with op.batch_alter_table('worker_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_skill_worker_id'))

    op.drop_table('worker_skill')
    with op.batch_alter_table('match_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_result_run_id'))
        batch_op.drop_index('ix_match_result_job_score')
        batch_op.drop_index('ix_match_result_area')

    op.drop_table('match_result')
    op.drop_table('match_run')
