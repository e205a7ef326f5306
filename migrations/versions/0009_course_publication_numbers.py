"""course publication numbers

A course's published versions are numbered 1, 2, 3... per course (course_revisions.number
counts every save, drafts included: a first publish was «versión 18»). Existing published
revisions are numbered in the order they were first published (the publish history), then,
for any published before the history existed, in the order they were saved.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 16:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and an index: neither rebuilds the table (on SQLite a rebuild
    # of course_revisions fails while other tables' rows point at it).
    op.add_column('course_revisions', sa.Column('publication_number', sa.Integer(), nullable=True))
    _backfill(op.get_bind())
    op.create_index(
        'ix_course_revisions_course_slug_publication_number',
        'course_revisions',
        ['course_slug', 'publication_number'],
        unique=False,  # see CourseRevision.__table_args__: a unique one deadlocked saves
    )


def _backfill(bind):
    """Number every revision published now or ever, per course, in publication order."""
    first_event = {
        revision_id: event_id
        for revision_id, event_id in bind.execute(
            sa.text(
                "SELECT revision_id, MIN(id) FROM course_publish_events "
                "WHERE revision_id IS NOT NULL GROUP BY revision_id"
            )
        )
    }
    published_now = {
        revision_id
        for (revision_id,) in bind.execute(
            sa.text("SELECT revision_id FROM course_publications WHERE revision_id IS NOT NULL")
        )
    }
    ids = set(first_event) | published_now
    if not ids:
        return
    rows = bind.execute(sa.text("SELECT id, course_slug, number FROM course_revisions")).all()
    by_course: dict[str, list[tuple[int, int, int]]] = {}
    for revision_id, slug, number in rows:
        if revision_id in ids:
            # Published before the history existed: first, in the order they were saved.
            order = first_event.get(revision_id, -1)
            by_course.setdefault(slug, []).append((order, number, revision_id))
    for items in by_course.values():
        for n, (_order, _number, revision_id) in enumerate(sorted(items), start=1):
            bind.execute(
                sa.text("UPDATE course_revisions SET publication_number = :n WHERE id = :id"),
                {"n": n, "id": revision_id},
            )


def downgrade():
    op.drop_index(
        'ix_course_revisions_course_slug_publication_number', table_name='course_revisions'
    )
    with op.batch_alter_table('course_revisions', schema=None) as batch_op:
        batch_op.drop_column('publication_number')
