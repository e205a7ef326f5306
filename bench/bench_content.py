"""Benchmark the content engine: cold load+render, warm load from cache, lesson lookup.

Run: .venv/bin/python bench/bench_content.py [--courses 100] [--lessons 20] [--tracemalloc]
                                              [--single]
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import tempfile
import time
import timeit
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.content import CourseStore, load_courses  # noqa: E402

WARM_BUDGET_S = 1.0

COURSE = """---
titulo: Curso {n:03d} de cooperativismo
resumen: Un curso de prueba para medir el motor de contenidos.
horas: 8
nivel: inicial
publico: Grupos precooperativos
autores: [Equipo REFICOOP]
licencia: CC BY-SA 4.0
---

Presentación del curso {n}. Empieza por [la primera lección](01-leccion-01.md).
"""

LESSON = """---
titulo: Lección {i} del curso {n}
minutos: 25
objetivos:
  - Entender el tema {i}
  - Practicar en grupo
---

## Introducción

La cooperativa es una empresa de personas. En esta lección vemos el tema {i} con ejemplos de
Copiapó, Coquimbo, Monte Patria, Quillota, Isla de Maipo y Chimbarongo. Cada persona socia
tiene **un voto**, sin importar cuánto dinero aportó. Dice [cooperative]{{lang=en}} en inglés.

### Conceptos clave

| Concepto | Qué significa | Ejemplo |
|---|---|---|
| Asamblea | Reunión de todas las personas socias | La asamblea anual de marzo |
| Directorio | Grupo elegido por la asamblea | Cinco personas elegidas |
| Excedente | Lo que sobra al final del año | Se reparte según el trabajo |

![Personas en una asamblea votando a mano alzada](media/foto.png)

::: nota
Las cooperativas existen en todo el mundo y siguen los mismos principios.
:::

::: actividad Conversen en grupo
1. Lean el texto en voz alta.
2. Nombren una cooperativa de su comuna.
3. Anoten las ideas principales en un papelógrafo.
:::

::: advertencia
Una cooperativa no es una empresa de un solo dueño.
:::

## Desarrollo

- Primer punto importante sobre el tema {i}.
- Segundo punto, con un enlace a la [siguiente lección]({next}.md).
- Tercer punto, con más información en la [Alianza Cooperativa](https://www.ica.coop/es).

Lorem ipsum del cooperativismo: trabajar juntas permite repartir tareas, cuidar a cada persona
y tomar decisiones informadas. La confianza se construye con reuniones periódicas y cuentas
claras. El reglamento interno ayuda a resolver conflictos.

### Para recordar

> La cooperativa la hacemos entre todas las personas.

::: prueba
### ¿Quién decide en una cooperativa?
- [ ] Solo el gerente
  > No: decide la asamblea.
- [x] La asamblea
  > Correcto.
- [ ] Nadie

Pista: Revisa la tabla.
Puntos: 2

### ¿Qué valores son cooperativos?
Tipo: varias
- [x] Ayuda mutua
- [x] Democracia
- [ ] Competencia sin reglas

### ¿Cómo se llama la reunión de las personas socias?
Respuesta: asamblea

### Ordena los pasos
1. Reunir al grupo
2. Escribir estatutos
3. Asamblea constitutiva
:::

::: lectura-facil
## Lección {i} en lectura fácil

Una cooperativa es un grupo de personas.
Las personas trabajan juntas.
Cada persona tiene un voto.
:::
"""

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\x98\x96\x0c\x00\x00\xd3\x00\xcd\x8b\xa3\xc5\x14"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def generate(root: Path, courses: int, lessons: int) -> None:
    """Write `courses` course folders with `lessons` lessons each."""
    for n in range(1, courses + 1):
        folder = root / f"curso-{n:03d}"
        (folder / "media").mkdir(parents=True)
        (folder / "course.md").write_text(COURSE.format(n=n), encoding="utf-8")
        (folder / "media" / "foto.png").write_bytes(PNG)
        for i in range(1, lessons + 1):
            nxt = f"{(i % lessons) + 1:02d}-leccion-{(i % lessons) + 1:02d}"
            text = LESSON.format(i=i, n=n, next=nxt)
            (folder / f"{i:02d}-leccion-{i:02d}.md").write_text(text, encoding="utf-8")


def single_process(src: Path, lessons: int, courses: int = 10) -> tuple[float, float, int]:
    """Best-of-3 CPU ms per lesson in this process (no pool): generated and shipped courses."""
    subset = Path(tempfile.mkdtemp(dir=src.parent))
    for n in range(1, courses + 1):
        (subset / f"curso-{n:03d}").symlink_to(src / f"curso-{n:03d}")
    shipped_root = ROOT / "courses"

    def best(root: Path) -> tuple[float, int]:
        times, count = [], 0
        for _ in range(3):
            start = time.process_time()
            result = load_courses(root, workers=1)
            times.append(time.process_time() - start)
            count = sum(len(c.lessons) for c in result.courses.values())
        return min(times) / max(count, 1) * 1000, count

    gen_ms, _ = best(subset)
    shipped_ms, shipped = best(shipped_root) if shipped_root.is_dir() else (0.0, 0)
    return gen_ms, shipped_ms, shipped


def maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=100)
    parser.add_argument("--lessons", type=int, default=20)
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python peak")
    parser.add_argument(
        "--single",
        action="store_true",
        help="also measure one process: ms per generated lesson and per shipped (courses/) lesson",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, cache = Path(tmp) / "courses", Path(tmp) / "cache"
        generate(src, args.courses, args.lessons)
        rss_before = maxrss_mb()

        start = time.perf_counter()
        store = CourseStore(src, cache).load()
        cold = time.perf_counter() - start
        rss_after = maxrss_mb()
        errors = [p for p in store.problems if p.severity == "error"]
        assert not errors, errors[:3]
        assert len(store.all()) == args.courses

        warm_runs = []
        for _ in range(5):
            start = time.perf_counter()
            warm_store = CourseStore(src, cache).load()
            warm_runs.append(time.perf_counter() - start)
            assert warm_store.cache_hits == args.courses
        warm = statistics.median(warm_runs)

        start = time.perf_counter()
        changed = warm_store.refresh()
        noop_refresh = time.perf_counter() - start
        assert changed == []

        slug, lesson = "curso-050" if args.courses >= 50 else "curso-001", "10-leccion-10"
        timer = timeit.Timer(lambda: warm_store.get(slug).lesson(lesson))
        runs = [t / 10_000 * 1e6 for t in timer.repeat(repeat=7, number=10_000)]
        lookup = statistics.median(runs)

        peak_py = None
        if args.tracemalloc:
            tracemalloc.start()
            load_courses(src)
            peak_py = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()

        single = single_process(src, args.lessons) if args.single else None

    total = args.courses * args.lessons
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}")  # fmt: skip
    print(f"corpus: {args.courses} courses x {args.lessons} lessons = {total} lessons")
    print(f"cold load+render (no cache, writes pickles): {cold:.2f} s "
          f"({cold / total * 1000:.2f} ms/lesson)")  # fmt: skip
    print(f"peak RSS: {rss_after:.0f} MB (before load {rss_before:.0f} MB)")
    if peak_py is not None:
        print(f"tracemalloc peak during load_courses: {peak_py:.0f} MB")
    print(f"warm load from pickle cache (median of 5): {warm:.2f} s (budget < {WARM_BUDGET_S} s)")
    print(f"no-op refresh (fingerprints only): {noop_refresh * 1000:.0f} ms")
    print(f"cached lesson lookup, median: {lookup:.2f} µs")
    if single is not None:
        print(f"one process, best of 3: {single[0]:.2f} ms per generated lesson, "
              f"{single[1]:.2f} ms per shipped lesson ({single[2]} in courses/)")  # fmt: skip
    # The budget is the warm start (issue 15): what a restart or a new worker waits for. A cold
    # parse of every lesson happens only when the course cache is empty.
    return 0 if warm < WARM_BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
