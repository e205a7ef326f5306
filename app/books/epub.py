"""Assemble one EPUB 3 talking book of a course: XHTML from the site's renderer, the navigation
document, SMIL Media Overlays sentence by sentence, MP3 audio, and accessibility metadata.

Built with the standard library's zipfile and the app's Jinja templates (app/templates/books/);
needs an application context (render_template, url_map) but no request and no database.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from flask import current_app
from markupsafe import Markup

from app.books.speech import Narration, Speaker
from app.books.xhtml import Element, ids_in, mark_sentences, parse, rewrite, serialise
from app.content.model import Course, QuizBlock

# EPUB 3 core media types for images (others are left out, their text alternative kept).
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
COVER, ANSWERS = "portada", "respuestas"
ANSWERS_TITLE = "Respuestas de las preguntas de práctica"


@dataclass
class Document:
    """One XHTML content document of the book (and, once narrated, its audio and overlay)."""

    name: str
    title: str
    root: Element
    index: int
    sections: list[tuple[str, str]] = field(default_factory=list)
    narration: Narration | None = None

    @property
    def item_id(self) -> str:
        return f"doc-{self.index}"

    @property
    def overlay_id(self) -> str:
        return f"narracion-{self.index}"

    @property
    def duration(self) -> str:
        return clock(self.narration.seconds) if self.narration else ""


@dataclass(frozen=True)
class Image:
    href: str  # relative to the package document
    media_type: str
    data: bytes


def _render(name: str, **context) -> str:
    """A template of app/templates/books/ with CONTEXT only: no request, no page globals."""
    return current_app.jinja_env.get_template(name).render(**context)


def clock(seconds: float) -> str:
    """SECONDS as a SMIL full clock value, to the millisecond: 1:02:03.456."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def version_label(course: Course) -> str:
    """How the pages name the easy-read version: only a validated one is «lectura fácil»."""
    return "Lectura fácil" if course.easy_read_validation is not None else "Versión simplificada"


def book_title(course: Course, easy: bool) -> str:
    return f"{course.title} ({version_label(course).lower()})" if easy else course.title


class BookBuilder:
    """Builds the book of one reading version (EASY) of COURSE from its FILES."""

    def __init__(
        self,
        course: Course,
        files: Mapping[str, bytes],
        easy: bool,
        *,
        modified: datetime,
        speaker: Speaker,
        public_base_url: str | None = None,
        earlier: Callable[[str], Narration | None] | None = None,
    ) -> None:
        self.course = course
        self.files = files
        self.easy = easy
        self.modified = modified
        self.speaker = speaker
        self.base = (public_base_url or "").rstrip("/")
        self.images: dict[str, Image] = {}
        self.seconds = 0.0  # the whole narration's length, once built
        # The audio of a document that an earlier book said the same way, by narration key.
        self.earlier = earlier or (lambda key: None)
        # Once built: each narrated document's entry, by narration key (CourseBook's index),
        # and how many documents took their audio from an earlier book.
        self.narration_index: dict[str, dict] = {}
        self.reused = 0
        urls = current_app.url_map.bind("localhost")
        self._site_path = lambda endpoint, **values: urls.build(endpoint, values)

    # --- links --------------------------------------------------------------------------------
    def _site_url(self, endpoint: str, **values) -> str | None:
        return f"{self.base}{self._site_path(endpoint, **values)}" if self.base else None

    def _image(self, src: str) -> str | None:
        prefix = f"/cursos/{self.course.slug}/archivos/"
        path = urlsplit(src).path
        if not path.startswith(prefix):
            return None
        rel = unquote(path[len(prefix) :])
        ext = posixpath.splitext(rel)[1].lower()
        data = self.files.get(rel)
        if data is None or ext not in IMAGE_TYPES:
            return None
        href = f"imagenes/{hashlib.sha256(data).hexdigest()[:16]}{ext}"
        self.images[href] = Image(href, IMAGE_TYPES[ext], data)
        return f"../{href}"

    def _link(self, href: str, doc: Document, ids: dict[str, set[str]]) -> str | None:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            return href
        if not parts.path:  # within the page
            return href if parts.fragment in ids[doc.name] else None
        course_prefix = f"/cursos/{self.course.slug}"
        target = None
        if parts.path.endswith(".xhtml") and parts.path[: -len(".xhtml")] in ids:
            target = parts.path[: -len(".xhtml")]  # a link the book's own templates made
        elif parts.path.rstrip("/") == course_prefix:
            target = COVER
        elif parts.path.startswith(course_prefix + "/"):
            name = parts.path[len(course_prefix) + 1 :]
            if name in ids and name not in (COVER, ANSWERS):
                target = name
        if target is not None:
            fragment = parts.fragment if parts.fragment in ids[target] else ""
            return f"{target}.xhtml" + (f"#{fragment}" if fragment else "")
        # Anything else of the site (a file, another course): its address on the site.
        return f"{self.base}{href}" if self.base and href.startswith("/") else None

    # --- content ------------------------------------------------------------------------------
    def _without_players(self, root: Element, doc_name: str) -> None:
        """Audio and video players become a note pointing at the lesson on the site; their
        transcripts stay, open."""
        for element in root.iter():
            kept: list[Element | str] = []
            for child in element.children:
                if isinstance(child, Element) and child.tag in ("audio", "video"):
                    what = "El video" if child.tag == "video" else "El audio"
                    url = (
                        self._site_url(
                            "learning.lesson", slug=self.course.slug, lesson_slug=doc_name
                        )
                        if doc_name not in (COVER, ANSWERS)
                        else None
                    )
                    note = Element(
                        "p", {"class": "media-online"}, [f"{what} está en la lección en línea"]
                    )
                    if url:
                        note.children += [": ", Element("a", {"href": url}, [url]), "."]
                    else:
                        note.children.append(".")
                    kept.append(note)
                else:
                    kept.append(child)
            element.children = kept
        for element in root.iter():
            if element.tag == "img":
                element.attrs.pop("loading", None)
            elif element.tag == "details":  # transcripts open: the voice reads them in place
                element.attrs["open"] = "open"

    def _documents(self) -> list[Document]:
        course, easy = self.course, self.easy
        label = version_label(course)
        note = "Las lecciones que no tienen esta versión aparecen con su texto completo."
        html = [
            (
                COVER,
                book_title(course, easy),
                _render(
                    "books/cover_body.html",
                    course=course,
                    easy=easy,
                    version_label=label,
                    version_note=note,
                    intro=Markup(course.intro_html),  # noqa: S704 - the sanitiser's output
                ),
            )
        ]
        quizzes: list[tuple[str, object]] = []
        seen: set[str] = set()
        for lesson in course.lessons:
            use_easy = easy and lesson.easy_read is not None
            parts: list[object] = []
            for block in lesson.blocks(use_easy):
                if not isinstance(block, QuizBlock):
                    parts.append(Markup(block.html))  # noqa: S704 - the sanitiser's output
                    continue
                quiz = course.quizzes.get(block.quiz_id)
                if quiz is not None and quiz.id not in seen:
                    seen.add(quiz.id)
                    parts.append(quiz.wording(use_easy))
            for quiz_id in lesson.quizzes_left_out(use_easy):
                quiz = course.quizzes.get(quiz_id)
                if quiz is not None and quiz_id not in seen:
                    seen.add(quiz_id)
                    parts.append(quiz.wording(use_easy))
            placed = [p for p in parts if hasattr(p, "questions")]
            quizzes += [(lesson.slug, quiz) for quiz in placed]
            quiz_urls = {
                quiz.id: self._site_url("quizzes.overview", slug=course.slug, quiz_id=quiz.id)
                for quiz in placed
            }
            body = _render(
                "books/lesson_body.html",
                lesson=lesson,
                total=len(course.lessons),
                use_easy=use_easy,
                version_label=label,
                parts=parts,
                quiz_urls=quiz_urls,
            )
            html.append((lesson.slug, lesson.title, body))
        if quizzes:
            body = _render("books/answers_body.html", title=ANSWERS_TITLE, quizzes=quizzes)
            html.append((ANSWERS, ANSWERS_TITLE, body))
        return [
            Document(name, title, parse(body), i + 1) for i, (name, title, body) in enumerate(html)
        ]

    def build(self) -> bytes:
        """The EPUB file's bytes."""
        documents = self._documents()
        lang = self.course.language
        for doc in documents:
            self._without_players(doc.root, doc.name)
            rewrite(doc.root, "img", "src", self._image)
        ids = {doc.name: ids_in(doc.root) for doc in documents}
        for doc in documents:
            rewrite(doc.root, "a", "href", lambda href, doc=doc: self._link(href, doc, ids))
            doc.sections = [
                (e.attrs["id"], " ".join(e.text().split()))
                for e in doc.root.iter()
                if e.tag == "h2" and "id" in e.attrs
            ]
            sentences = mark_sentences(doc.root, lang)
            if sentences:
                key = self.speaker.narration_key(sentences)
                doc.narration = self.earlier(key)
                if doc.narration is None:
                    doc.narration = self.speaker.narrate(sentences, doc.name)
                else:
                    self.reused += 1
                self.narration_index[key] = doc.narration.entry(doc.name)
        return self._zip(documents)

    def _zip(self, documents: list[Document]) -> bytes:
        course, lang = self.course, self.course.language
        title = book_title(course, self.easy)
        narrated = [d for d in documents if d.narration]
        total = sum(round(d.narration.seconds * 1000) for d in narrated) / 1000
        self.seconds = total
        reading = "facil" if self.easy else "completo"
        identifier = uuid.uuid5(
            uuid.NAMESPACE_URL, f"aula-reficoop:{course.slug}:{course.version}:{reading}"
        )
        package = _render(
            "books/package.opf.xml",
            course=course,
            lang=lang,
            book_title=title,
            identifier=f"urn:uuid:{identifier}",
            modified=self.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
            documents=documents,
            narrated=narrated,
            total_duration=clock(total),
            images=list(self.images.values()),
            summary=accessibility_summary(bool(self.images)),
        )
        answers = next((d for d in documents if d.name == ANSWERS), None)
        nav = _render(
            "books/nav.xhtml",
            lang=lang,
            book_title=title,
            documents=documents,
            body_start=documents[1] if len(documents) > 1 else documents[0],
            answers=answers,
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as book:
            # `mimetype` first and stored, as the OCF container requires.
            book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
            deflate = zipfile.ZIP_DEFLATED
            book.writestr("META-INF/container.xml", _render("books/container.xml"), deflate)
            book.writestr("EPUB/package.opf", package, deflate)
            book.writestr("EPUB/nav.xhtml", nav, deflate)
            book.writestr("EPUB/css/book.css", _render("books/book.css"), deflate)
            for doc in documents:
                page = _render(
                    "books/page.xhtml",
                    lang=lang,
                    title=doc.title,
                    body=Markup(serialise(doc.root)),  # noqa: S704 - serialise escapes
                )
                book.writestr(f"EPUB/text/{doc.name}.xhtml", page, deflate)
                if doc.narration:
                    smil = _render("books/overlay.smil.xml", doc=doc)
                    book.writestr(f"EPUB/smil/{doc.name}.smil", smil, deflate)
                    # MP3 is compressed already.
                    book.writestr(
                        f"EPUB/audio/{doc.name}.mp3", doc.narration.mp3, zipfile.ZIP_STORED
                    )
            for image in self.images.values():
                book.writestr(f"EPUB/{image.href}", image.data, zipfile.ZIP_STORED)
        return buffer.getvalue()


def accessibility_summary(images: bool) -> str:
    """The book's accessibility summary, in Spanish (what a reader can count on)."""
    summary = (
        "Libro con texto y voz sincronizados frase por frase (narración sintética en español). "
        "Tiene índice navegable, encabezados en orden y un orden de lectura definido; el texto "
        "se puede agrandar y cambiar de tipo de letra."
    )
    if images:
        summary += " Cada imagen tiene una descripción en texto, que la voz también lee."
    return (
        summary
        + " Los videos y audios de las lecciones quedan en el sitio; sus transcripciones están en "
        "el libro. Cumple EPUB Accessibility 1.1 y WCAG 2.2 nivel AA según la verificación "
        "automática con EPUBCheck y DAISY Ace."
    )
