"""Folder-level rules: lesson numbering, file names, easy-read companions, slugs."""

from __future__ import annotations

from app.content import load_courses

from .helpers import lesson, only


def test_gap_in_numbers(build):
    files = {"01-a.md": lesson("A\n"), "02-b.md": lesson("B\n"), "04-d.md": lesson("D\n")}
    course, problems = build.load(files)
    p = only(problems, "lesson-number-gap")
    assert (p.path, p.line) == ("curso/04-d.md", 0)
    assert "03" in p.message
    assert course is None


def test_duplicate_numbers(build):
    files = {"01-a.md": lesson("A\n"), "02-b.md": lesson("B\n"), "02-c.md": lesson("C\n")}
    _, problems = build.load(files)
    p = only(problems, "lesson-number-duplicate")
    assert p.path == "curso/02-c.md" and "02-b.md" in p.message


def test_not_starting_at_one(build):
    _, problems = build.load({"02-b.md": lesson("B\n")})
    assert "01" in only(problems, "lesson-number-gap").message


def test_bad_lesson_filename(build):
    _, problems = build.load({"1-Intro.md": lesson("x\n")})
    assert only(problems, "lesson-filename").path == "curso/1-Intro.md"


def test_bad_course_slug(build):
    _, problems = build.load({}, slug="Mi Curso")
    assert only(problems, "course-slug").severity == "error"


def test_missing_easy_read_is_a_warning(build):
    course, problems = build.load({"01-a.md": lesson("Texto.\n", easy=False)})
    p = only(problems, "easy-read-missing")
    assert (p.path, p.line, p.severity) == ("curso/01-a.md", 0, "warning")
    assert course is not None and course.lessons[0].easy_read is None


def test_easy_read_companion_and_block_is_an_error(build):
    files = {"01-a.md": lesson("Texto.\n"), "01-a.lf.md": "Fácil.\n"}
    _, problems = build.load(files)
    p = only(problems, "easy-read-both")
    assert (p.path, p.line) == ("curso/01-a.md", 9)


def test_easy_read_orphan(build):
    _, problems = build.load({"03-x.lf.md": "Fácil.\n"})
    assert only(problems, "easy-read-orphan").path == "curso/03-x.lf.md"


def test_easy_read_companion_front_matter_only_titulo(build):
    files = {"01-a.md": lesson("T.\n", easy=False), "01-a.lf.md": "---\nminutos: 3\n---\nFácil.\n"}
    _, problems = build.load(files)
    assert only(problems, "front-matter-unknown-key").path == "curso/01-a.lf.md"


def test_narration_files_become_media(build):
    files = {
        "01-a.md": lesson("T.\n"),
        "01-a.ogg": b"x",
        "01-a.lf.mp3": b"x",
    }
    course, problems = build.load(files)
    assert problems == []
    assert [(m.src, m.easy_read) for m in course.lessons[0].media] == [
        ("01-a.ogg", False),
        ("01-a.lf.mp3", True),
    ]
    assert "01-a.ogg" in course.media_files


def test_unservable_files(build):
    course, problems = build.load({"media/logo.svg": "<svg/>", "media/notas.docx": b"x"})
    assert len([p for p in problems if p.code == "media-not-served"]) == 2  # media/ too
    assert "media/logo.svg" not in course.media_files
    _, problems = build.load({"logo.svg": "<svg/>"}, slug="otro")
    assert only(problems, "media-not-served").severity == "warning"


def test_version_changes_with_any_file(build):
    course, _ = build.load({"media/a.txt": "uno"})
    again, _ = build.load({"media/a.txt": "uno"})
    assert course.version == again.version
    changed, _ = build.load({"media/a.txt": "dos"})
    assert changed.version != course.version


def test_broken_course_does_not_stop_others(build):
    build({"01-a.md": lesson("Bien.\n")}, slug="bueno")
    build({"01-a.md": "---\ntitulo: [\n---\n"}, slug="roto")
    result = load_courses(build.root)
    assert list(result.courses) == ["bueno"]
    assert result.has_errors
    assert {p.path for p in result.problems} == {"roto/01-a.md"}


def test_folder_without_course_md_is_reported(build):
    (build.root / "suelto").mkdir(parents=True)
    (build.root / "suelto" / "01-a.md").write_text("x")
    result = load_courses(build.root)
    assert only(list(result.problems), "course-missing").severity == "warning"
