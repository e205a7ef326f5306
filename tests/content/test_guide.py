"""Every complete-file example in docs/guia-autoria.md must pass the checker."""

from __future__ import annotations

import re
from pathlib import Path

from app.content import check_paths, load_course

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guia-autoria.md"
# Complete-file examples are fenced as ```markdown title=<file name>
EXAMPLE = re.compile(r"^```markdown title=(\S+)\n(.*?)^```$", re.M | re.S)
MEDIA = re.compile(r"(media/[\w./-]+\.\w+)")


def examples() -> dict[str, str]:
    return {name: body for name, body in EXAMPLE.findall(GUIDE.read_text(encoding="utf-8"))}


def test_guide_has_every_kind_of_file():
    names = set(examples())
    assert {"course.md", "01-principios.md", "02-asamblea.md", "02-asamblea.lf.md"} <= names
    assert "03-prueba-modulo.md" in names


def test_guide_examples_check_clean(tmp_path):
    folder = tmp_path / "courses" / "cooperativismo-basico"
    folder.mkdir(parents=True)
    for name, body in examples().items():
        (folder / name).write_text(body, encoding="utf-8")
        for rel in MEDIA.findall(body):
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"WEBVTT\n" if rel.endswith(".vtt") else b"placeholder")
    problems = check_paths([tmp_path / "courses"])
    assert [p for p in problems if p.severity == "error"] == []
    assert problems == []  # the guide's examples should be model citizens: no warnings either
    course, _ = load_course(folder)
    assert len(course.quizzes["repaso-principios"].questions) == 5
    assert {q.kind for q in course.quizzes["repaso-principios"].questions} == {
        "single",
        "multiple",
        "true_false",
        "text",
        "ordering",
    }
    assert course.quizzes["prueba-modulo-1"].passing_score == 70


def test_guide_mentions_every_front_matter_key():
    from app.content.loader import COURSE_SCHEMA, QUIZ_FILE_SCHEMA

    text = GUIDE.read_text(encoding="utf-8")
    for key in [*COURSE_SCHEMA, *QUIZ_FILE_SCHEMA]:
        assert f"{key}:" in text, key
