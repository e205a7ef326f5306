"""course drafts, editors, publish history

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:29:44.435232

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_editors',
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_course_editors_added_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_editors_user_id_users')),
    sa.PrimaryKeyConstraint('course_slug', 'user_id', name=op.f('pk_course_editors'))
    )
    with op.batch_alter_table('course_editors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_editors_user_id'), ['user_id'], unique=False)

    op.create_table('course_drafts',
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('base_revision_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['base_revision_id'], ['course_revisions.id'], name=op.f('fk_course_drafts_base_revision_id_course_revisions')),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_drafts_revision_id_course_revisions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_course_drafts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('course_slug', name=op.f('pk_course_drafts'))
    )
    op.create_table('course_publish_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('publish', 'rollback', 'withdraw')", name=op.f('ck_course_publish_events_publish_action_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_course_publish_events_actor_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['course_revisions.id'], name=op.f('fk_course_publish_events_revision_id_course_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_publish_events'))
    )
    with op.batch_alter_table('course_publish_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_publish_events_course_slug'), ['course_slug'], unique=False)

    with op.batch_alter_table('course_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_course_revisions_parent_id_course_revisions'), 'course_revisions', ['parent_id'], ['id'])



def downgrade():
    with op.batch_alter_table('course_revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_revisions_parent_id_course_revisions'), type_='foreignkey')
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('course_publish_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_publish_events_course_slug'))

    op.drop_table('course_publish_events')
    op.drop_table('course_drafts')
    with op.batch_alter_table('course_editors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_editors_user_id'))

    op.drop_table('course_editors')
