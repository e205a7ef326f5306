"""lesson narrations

The narration of each lesson text, made by the job worker when a version is published; its
audio is a course blob (content-addressed, like the course files).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lesson_narrations',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('voice', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('mimetype', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f('ck_lesson_narrations_narration_status_valid')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['course_blobs.sha256'], name=op.f('fk_lesson_narrations_blob_sha256_course_blobs')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_lesson_narrations'))
    )
    with op.batch_alter_table('lesson_narrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_narrations_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_narrations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_narrations_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('lesson_narrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_narrations_updated_at'))
        batch_op.drop_index(batch_op.f('ix_lesson_narrations_status'))
        batch_op.drop_index(batch_op.f('ix_lesson_narrations_blob_sha256'))

    op.drop_table('lesson_narrations')
