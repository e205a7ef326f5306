"""A value PyYAML cannot build (an impossible date) is a clear error at its line."""

from app.content.frontmatter import parse_front_matter
from app.content.problems import Reporter


def test_impossible_date_names_its_line():
    rep = Reporter()
    parse_front_matter(["---", "titulo: X", "fecha: 2001-13-45", "---", "cuerpo"], "x.md", rep)
    problems = [p.format() for p in rep.problems]
    assert len(problems) == 1
    assert problems[0].startswith("x.md:3: error: valor no válido en la cabecera")
