"""course reviews, certificate issuer

A workshop course's first publication and any change of its title, hours or certificate
settings wait in course_reviews for an admin; certificates name the team that made the course
(issuer_name, "" for the network's own courses and every certificate issued before).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 14:05:19.876995

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'returned', 'superseded')", name=op.f('ck_course_reviews_review_status_valid')),
    sa.ForeignKeyConstraint(['base_revision_id'], ['course_revisions.id'], name=op.f('fk_course_reviews_base_revision_id_course_revisions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_course_reviews_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_course_reviews_requested_by_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_reviews_revision_id_course_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_reviews'))
    )
    with op.batch_alter_table('course_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_reviews_course_slug'), ['course_slug'], unique=False)
        batch_op.create_index('ix_course_reviews_status_course_slug', ['status', 'course_slug'], unique=False)

    op.create_table('course_testers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_course_testers_added_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_testers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_testers')),
    sa.UniqueConstraint('course_slug', 'user_id', name=op.f('uq_course_testers_course_slug_user_id'))
    )
    with op.batch_alter_table('course_testers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_testers_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_name', sa.String(length=200), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('issuer_name')

    with op.batch_alter_table('course_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_course_reviews_status_course_slug')
        batch_op.drop_index(batch_op.f('ix_course_reviews_course_slug'))

    op.drop_table('course_reviews')

    with op.batch_alter_table('course_testers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_testers_user_id'))

    op.drop_table('course_testers')
