"""course books

The talking books (EPUB 3 with Media Overlays) of each published revision: one row per revision
and reading version, with its status, size and error; the EPUB is a course blob (app.books).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_books',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('reading', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reading IN ('completo', 'facil')", name=op.f('ck_course_books_book_reading_valid')),
    sa.CheckConstraint("status IN ('pending', 'ready', 'failed')", name=op.f('ck_course_books_book_status_valid')),
    sa.ForeignKeyConstraint(['blob_sha256'], ['course_blobs.sha256'], name=op.f('fk_course_books_blob_sha256_course_blobs')),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_books_revision_id_course_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_books')),
    sa.UniqueConstraint('revision_id', 'reading', name=op.f('uq_course_books_revision_id_reading'))
    )
    with op.batch_alter_table('course_books', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_books_blob_sha256'), ['blob_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_books_revision_id'), ['revision_id'], unique=False)


def downgrade():
    with op.batch_alter_table('course_books', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_books_revision_id'))
        batch_op.drop_index(batch_op.f('ix_course_books_blob_sha256'))

    op.drop_table('course_books')
