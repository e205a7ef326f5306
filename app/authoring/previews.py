"""What the course preview shows, and to whom: the one preview of a course (issue 20).

A course's editors and the people they invite to try it (testers) read its workshop draft.
When there is no draft, they and every other trainer or admin read the version the site
serves: published in the workshop, or a course of the courses/ folder (its drafts included),
with the problems of that version; for a folder course, the folder checker's problems as the
folder is now (what `flask courses check` reports), so a trainer who edits the folder sees
them without syncing. Nobody else learns that the course exists. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.accounts.models import STAFF, User
from app.authoring import services as authoring
from app.authoring import testers
from app.content import check_paths
from app.content.model import Course, Lesson, Problem
from app.content.problems import sort_problems
from app.course_store import get_store
from app.errors import NotFound
from app.revisions import services as revisions

EDITOR, TESTER, STAFF_MEMBER = "editor", "tester", "staff"


@dataclass(frozen=True)
class Preview:
    """The workspace shown (`ws.course` is None when a draft does not load), who reads it,
    and whether its course is the version the site serves now."""

    ws: authoring.Workspace
    reader: str  # EDITOR, TESTER or STAFF_MEMBER
    served: bool


def preview_of(user: User, slug: str) -> Preview:
    """What USER previews of SLUG; NotFound if USER may not preview it."""
    served = get_store().get(slug)
    if testers.can_preview(user, slug):
        testers.require_previewer(user, slug)  # and the course exists
        reader = EDITOR if authoring.can_edit(user, slug) else TESTER
        ws = authoring.workspace(slug)
        if ws.is_draft or served is None:
            return Preview(ws, reader, served=False)
        problems = _folder_problems(served)
        shown = replace(ws, course=served, problems=ws.problems if problems is None else problems)
        return Preview(shown, reader, served=True)
    if served is None or not user.has_role(*STAFF):
        raise NotFound(_("No encontramos ese curso."))
    return Preview(_served_workspace(slug, served), STAFF_MEMBER, served=True)


def lesson_problems(ws: authoring.Workspace, lesson: Lesson) -> list[Problem]:
    """The problems of LESSON's file and of its easy-read file."""
    paths = {lesson.path, lesson.path.removesuffix(".md") + ".lf.md"}
    return [p for p in ws.problems if p.path in paths]


def _served_workspace(slug: str, course: Course) -> authoring.Workspace:
    """The served COURSE for a reader who does not edit it: no files to link to the editor."""
    published = revisions.published_revision(slug)
    problems = _folder_problems(course)
    if problems is None:
        problems = ()
        if published is not None and published.version == course.version:
            files = revisions.lazy_revision_files(published)  # read only if not checked yet
            problems = tuple(get_store().load_files(slug, files, published.version)[1])
    return authoring.Workspace(
        slug=slug,
        revision=published,
        is_draft=False,
        files={},
        course=course,
        problems=problems,
        published=published,
    )


def _folder_problems(course: Course) -> tuple[Problem, ...] | None:
    """When the served COURSE is its folder's version, the folder checker's problems as the
    folder is now (an error made since keeps that version served); else None."""
    folder = Path(current_app.config["COURSES_DIR"]) / course.slug
    from_folder = get_store().folder_course(course.slug)
    if from_folder is None or from_folder.version != course.version:
        return None
    if not (folder / "course.md").is_file():  # the folder was removed since it was loaded
        return None
    return tuple(sort_problems(check_paths([folder])))
