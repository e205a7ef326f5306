"""Every route of the app with sample arguments, for the sweeps."""

from __future__ import annotations

from app import create_app

SAMPLE_VALUES = {
    "slug": "curso-prueba",
    "lesson_slug": "01-que-es-una-cooperativa",
    "quiz_id": "repaso-cooperativas",
    "filename": "media/asamblea.png",
    "code": "0000-0000-0000-0000-0000-0000-00",
    "path": "course.md",
    "stem": "01-que-es-una-cooperativa",
    "number": 1,
}


def all_routes(application=None) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method (HEAD/OPTIONS left out)."""
    application = application or create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "COURSE_CACHE_DIR": None}
    )
    out = []
    for rule in application.url_map.iter_rules():
        values = {arg: SAMPLE_VALUES.get(arg, 1 if "id" in arg else "x") for arg in rule.arguments}
        url = rule.build(values)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out
