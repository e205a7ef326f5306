"""book narration index

What each talking book's documents say and where (for each document's sentences, by the hash
of their ids, texts, voices and speed: the document, its length and its clips), so that the
book of a new version reuses the audio of every document its earlier book said the same way
instead of speaking it again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_books', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('narration_index', sa.Text(), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('course_books', schema=None) as batch_op:
        batch_op.drop_column('narration_index')
