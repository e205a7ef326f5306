"""course revisions: blobs, revisions, their files, publications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 07:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_course_blobs'))
    )
    op.create_table('course_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_course_revisions_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_revisions')),
    sa.UniqueConstraint('course_slug', 'number', name=op.f('uq_course_revisions_course_slug_number'))
    )
    with op.batch_alter_table('course_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_course_revisions_course_slug_version', ['course_slug', 'version'], unique=False)

    op.create_table('course_publications',
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_publications_revision_id_course_revisions')),
    sa.PrimaryKeyConstraint('course_slug', name=op.f('pk_course_publications'))
    )
    op.create_table('course_revision_files',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['blob_sha256'], ['course_blobs.sha256'], name=op.f('fk_course_revision_files_blob_sha256_course_blobs')),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_revision_files_revision_id_course_revisions')),
    sa.PrimaryKeyConstraint('revision_id', 'path', name=op.f('pk_course_revision_files'))
    )
    with op.batch_alter_table('course_revision_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_revision_files_blob_sha256'), ['blob_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('course_revision_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_revision_files_blob_sha256'))

    op.drop_table('course_revision_files')
    op.drop_table('course_publications')
    with op.batch_alter_table('course_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_course_revisions_course_slug_version')

    op.drop_table('course_revisions')
    op.drop_table('course_blobs')
