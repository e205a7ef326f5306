"""Fuzz the course parser: whatever a file holds, loading never crashes and problems name it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content import check_paths, load_course

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "curso-prueba"

# Markdown-ish building blocks, so the fuzzer reaches the quiz, container and YAML code paths.
PIECES = st.sampled_from(
    [
        "---\n",
        "titulo: X\n",
        "minutos: diez\n",
        "objetivos: [a, b\n",
        "::: prueba\n",
        ":::\n",
        "::: actividad\n",
        "::: video media/x.mp4\n",
        "### ¿Pregunta?\n",
        "- [x] Sí\n",
        "- [ ] No\n",
        "  > eco\n",
        "Tipo: orden\n",
        "1. uno\n",
        "Respuesta: \n",
        "Puntos: -3\n",
        "![](nada.png)\n",
        "[aquí](javascript:alert(1))\n",
        "<script>x</script>\n",
        "| a | b |\n|---|---|\n",
        "::: lectura-facil\n",
        "[hola]{lang=zz-??}\n",
        "\x00\x01",
        "\ufeff",
        "# Título\n",
        "#### salto\n",
        "{{ 7*7 }}\n",
    ]
)
CONTENT = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=30).map("".join),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(course_md=CONTENT, lesson=CONTENT)
def test_loading_arbitrary_files_never_crashes(course_md, lesson):
    root = Path(tempfile.mkdtemp())
    try:
        folder = root / "curso-fuzz"
        shutil.copytree(FIXTURE, folder)
        for path, data in (
            (folder / "course.md", course_md),
            (folder / "02-trabajo-en-equipo.md", lesson),
        ):
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8", errors="surrogatepass")
        course, problems = load_course(folder, root=root)
        for problem in problems:
            assert problem.path.startswith("curso-fuzz/")
            assert problem.line >= 0 and problem.message
        if course is None:
            assert any(p.severity == "error" for p in problems)
        assert isinstance(check_paths([folder]), list)
    finally:
        shutil.rmtree(root, ignore_errors=True)
