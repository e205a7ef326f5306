"""kept texts

Text typed in the workshop and not saved (the autosave, or a save refused because the session
had ended), kept per person and file until saved, discarded or expired (app.authoring.kept).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_texts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_texts')),
    sa.UniqueConstraint('user_id', 'course_slug', 'path', name=op.f('uq_kept_texts_user_id_course_slug_path'))
    )
    with op.batch_alter_table('kept_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_texts_saved_at'), ['saved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_texts_saved_at'))

    op.drop_table('kept_texts')
