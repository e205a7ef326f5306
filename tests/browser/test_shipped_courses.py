"""Every shipped course page passes axe and reflows at 320 px (issue 16, section 6).

The rest of the browser suite checks the small fixture course; the wide tables of the real
courses (and their whole-course pages) were never seen. Here every lesson in `courses/`, full
and easy read, every course page and every whole-course page (full and easy read) is opened as
a visitor, checked with axe-core (the same options as test_axe.py) and then at 320 CSS px for
sideways scrolling of the page. One browser page is reused for everything; one test per course,
so a report names the course and lists every failing page and rule at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.course_store import get_store
from tests.browser.axe import axe_and_reflow

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"
SLUGS = sorted(
    p.name
    for p in COURSES.iterdir()
    if p.is_dir() and not p.name.startswith((".", "_")) and (p / "course.md").is_file()
)
WIDE = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def shipped_app(make_app, tmp_path_factory):
    """The app serving the real `courses/` folder (its own course cache, no page cache)."""
    return make_app(
        COURSES_DIR=str(COURSES),
        COURSE_CACHE_DIR=str(tmp_path_factory.mktemp("shipped-course-cache")),
        PAGE_CACHE_SECONDS=0,
    )


@pytest.fixture(scope="module")
def shipped_server(shipped_app):
    server = make_server("127.0.0.1", 0, shipped_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def visitor_page(browser, shipped_server):
    context = browser.new_context(base_url=shipped_server, locale="es-CL", viewport=WIDE)
    page = context.new_page()
    yield page
    context.close()


def course_urls(course) -> list[str]:
    """Every public page of COURSE that shows its content."""
    base = f"/cursos/{course.slug}"
    urls = [f"{base}/", f"{base}/completo", f"{base}/completo?version=facil"]
    for lesson in course.lessons:
        urls.append(f"{base}/{lesson.slug}")
        if lesson.easy_read is not None:
            urls.append(f"{base}/{lesson.slug}?version=facil")
    return urls


def check(page, url: str) -> list[str]:
    """Axe violations and sideways scrolling at 320 px on URL, as report lines."""
    page.set_viewport_size(WIDE)
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"{url}: answered {response.status if response else 'nothing'}"]
    return axe_and_reflow(page, url)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_of_the_course_passes_axe_and_reflows(shipped_app, visitor_page, slug):
    with shipped_app.app_context():
        store = get_store()
        course = store.get(slug)
        problems = [p.format() for p in store.problems if p.path.startswith(f"{slug}/")]
    assert course is not None, f"{slug} did not load:\n" + "\n".join(problems)
    assert course.status == "published", f"{slug} is a draft: visitors cannot see it"
    failures = []
    for url in course_urls(course):
        failures += check(visitor_page, url)
    assert not failures, "\n".join(failures)
