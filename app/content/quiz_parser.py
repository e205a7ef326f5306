"""Parse quiz blocks line by line, so every problem points at its exact line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .frontmatter import parse_bool, v_attempts, v_percent, v_positive_int
from .model import Option, Question, QuestionKind, Quiz
from .renderer import PageContext, render_inline
from .textutil import norm_key, suggest

_HEADING = re.compile(r"^\s{0,3}(#{2,6})\s+(.*?)\s*#*\s*$")
_OPTION = re.compile(r"^\s{0,3}[-*+]\s+\[([ xX])\]\s*(.*?)\s*$")
_BAD_OPTION = re.compile(r"^\s{0,3}[-*+]\s+(\[.?.?\])?")
_FEEDBACK = re.compile(r"^\s*>\s?(.*?)\s*$")
_ITEM = re.compile(r"^\s{0,3}(\d{1,3})[.)]\s+(.*?)\s*$")
_META = re.compile(r"^\s*([^\W\d_][^\W\d_ ]{1,24}(?: [^\W\d_]{1,24})?)\s*:\s*(.*?)\s*$")
QUIZ_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

QUESTION_KEYS = ("tipo", "pista", "retroalimentacion", "puntos", "respuesta")
SETTING_KEYS = ("titulo", "aprobacion", "intentos", "tiempo", "obligatoria")
KINDS: dict[str, QuestionKind] = {
    "una": "single",
    "varias": "multiple",
    "verdadero_falso": "true_false",
    "verdadero_o_falso": "true_false",
    "texto": "text",
    "orden": "ordering",
}
_TRUE_FALSE = ("verdadero", "falso")


@dataclass
class _Draft:
    line: int
    title: str
    prompt: list[tuple[int, str]] = field(default_factory=list)
    options: list[list[Any]] = field(default_factory=list)  # [line, correct, text, feedback]
    items: list[tuple[int, int, str]] = field(default_factory=list)  # (line, number, text)
    meta: dict[str, tuple[int, str]] = field(default_factory=dict)
    answers: list[tuple[int, str]] = field(default_factory=list)
    last_was_option: bool = False

    @property
    def started(self) -> bool:
        return bool(self.options or self.items or self.meta or self.answers)


def parse_settings(values: dict[str, tuple[int, Any]], ctx: PageContext) -> dict[str, Any]:
    """Check quiz settings given as {key: (line, value)}; return clean values."""
    out: dict[str, Any] = {}
    checks = {
        "aprobacion": ("passing_score", v_percent),
        "intentos": ("max_attempts", v_attempts),
        "tiempo": ("time_limit_minutes", v_positive_int),
        "obligatoria": ("required", parse_bool),
    }
    for key, (line, value) in values.items():
        if key == "titulo":
            text = str(value).strip()
            if text:
                out["title"] = text
            continue
        name, check = checks[key]
        try:
            out[name] = check(_coerce(value))
        except ValueError as exc:
            ctx.error(line, "quiz-bad-setting", f"'{key}': {exc}")
    return out


def _coerce(value: Any) -> Any:
    # Settings written inside a block are text; turn "70" into 70 so validators can check it.
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def parse_quiz(
    lines: list[tuple[int, str]],
    ctx: PageContext,
    *,
    quiz_id: str,
    title: str,
    lesson_slug: str,
    line: int,
    settings: dict[str, Any] | None = None,
    allow_settings: bool = True,
    intro_html: str = "",
) -> Quiz | None:
    """Parse the lines of a quiz; report problems; return None when it has no questions."""
    block_settings: dict[str, tuple[int, Any]] = {}
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for lineno, raw in lines:
        text = raw.rstrip()
        if not text.strip():
            if current is not None:
                current.last_was_option = current.last_was_option and bool(current.options)
            continue
        heading = _HEADING.match(text)
        if heading:
            current = _Draft(lineno, heading.group(2))
            drafts.append(current)
            if not current.title:
                ctx.error(
                    lineno,
                    "quiz-empty-question",
                    "la pregunta está vacía; escríbela después de ###",
                )
            continue
        if current is None:
            meta = _META.match(text)
            key = norm_key(meta.group(1)) if meta else ""
            if meta and allow_settings and key in SETTING_KEYS:
                block_settings[key] = (lineno, meta.group(2))
            elif meta and allow_settings:
                ctx.error(
                    lineno,
                    "quiz-unknown-setting",
                    f"ajuste desconocido '{meta.group(1)}' en la prueba;"
                    + (suggest(key, SETTING_KEYS) or " usa " + ", ".join(SETTING_KEYS)),
                )
            else:
                _unrecognised(ctx, lineno, text)
            continue
        _question_line(current, lineno, text, ctx)
    values = dict(settings or {})
    values.update(parse_settings(block_settings, ctx))
    questions = []
    for n, draft in enumerate(drafts, start=1):
        question = _finish(draft, f"p{n}", ctx)
        if question is not None:
            questions.append(question)
    if not drafts:
        ctx.error(
            line,
            "quiz-empty",
            "la prueba no tiene preguntas; cada pregunta empieza con ### ¿Pregunta?",
        )
        return None
    return Quiz(
        id=quiz_id,
        title=values.pop("title", title),
        questions=tuple(questions),
        lesson_slug=lesson_slug,
        intro_html=intro_html,
        path=ctx.display,
        line=line,
        **values,
    )


def _unrecognised(ctx: PageContext, lineno: int, text: str) -> None:
    shown = text.strip()
    if len(shown) > 40:
        shown = shown[:37] + "..."
    ctx.error(
        lineno,
        "quiz-syntax",
        f"línea no reconocida en la prueba: «{shown}»; una pregunta empieza con ###, "
        "las opciones con - [ ] o - [x]",
    )


def _question_line(q: _Draft, lineno: int, text: str, ctx: PageContext) -> None:
    option = _OPTION.match(text)
    if option:
        q.options.append([lineno, option.group(1) != " ", option.group(2), []])
        q.last_was_option = True
        return
    feedback = _FEEDBACK.match(text)
    if feedback:
        if q.last_was_option and q.options:
            q.options[-1][3].append((lineno, feedback.group(1)))
        else:
            ctx.error(
                lineno,
                "quiz-feedback-place",
                "la retroalimentación con > debe ir justo debajo de una opción, con sangría",
            )
        return
    q.last_was_option = False
    item = _ITEM.match(text)
    if item:
        q.items.append((lineno, int(item.group(1)), item.group(2)))
        return
    meta = _META.match(text)
    if meta:
        key = norm_key(meta.group(1))
        if key in QUESTION_KEYS:
            value = meta.group(2)
            if key == "respuesta":
                q.answers.append((lineno, value))
            elif key in q.meta:
                ctx.error(
                    lineno,
                    "quiz-duplicate-key",
                    f"'{meta.group(1)}' está repetido en esta pregunta; deja uno solo",
                )
            else:
                q.meta[key] = (lineno, value)
            return
        hint = suggest(key, QUESTION_KEYS)
        if q.started or hint:
            ctx.error(
                lineno,
                "quiz-unknown-key",
                f"dato desconocido '{meta.group(1)}:' en la pregunta;"
                + (hint or " usa Tipo, Pista, Retroalimentación, Puntos o Respuesta"),
            )
            return
    if _BAD_OPTION.match(text):
        _unrecognised(ctx, lineno, text)
        return
    if not q.started:
        q.prompt.append((lineno, text.strip()))
        return
    _unrecognised(ctx, lineno, text)


def _ordering_keys(texts: list[str]) -> list[str]:
    # Keys must not reveal the right order, so assign letters by a hash of each item's text.
    ranked = sorted(
        range(len(texts)),
        key=lambda i: (hashlib.sha256(texts[i].encode()).hexdigest(), i),
    )
    keys = [""] * len(texts)
    for letter, i in enumerate(ranked):
        keys[i] = _letter(letter)
    return keys


def _letter(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[n] if n < 26 else f"o{n + 1}"


def _finish(q: _Draft, key: str, ctx: PageContext) -> Question | None:
    ok = True
    prompt_html, prompt_text = render_inline(q.title, ctx, q.line)
    extra = [render_inline(t, ctx, n) for n, t in q.prompt]
    if extra:
        prompt_html = "<br>".join([prompt_html, *(h for h, _ in extra)])
        prompt_text = " ".join([prompt_text, *(t for _, t in extra)])
    points = 1
    if "puntos" in q.meta:
        line, value = q.meta["puntos"]
        if value.strip().isdigit() and int(value) >= 1:
            points = int(value)
        else:
            ctx.error(line, "quiz-bad-points", "Puntos debe ser un número entero desde 1")
            ok = False
    hint_html = feedback_html = ""
    if "pista" in q.meta:
        line, value = q.meta["pista"]
        hint_html = render_inline(value, ctx, line)[0]
    if "retroalimentacion" in q.meta:
        line, value = q.meta["retroalimentacion"]
        feedback_html = render_inline(value, ctx, line)[0]
    kind: QuestionKind | None = None
    if "tipo" in q.meta:
        line, value = q.meta["tipo"]
        kind = KINDS.get(norm_key(value))
        if kind is None:
            ctx.error(
                line,
                "quiz-bad-kind",
                f"tipo de pregunta desconocido '{value}'; usa una, varias, verdadero-falso, "
                "texto u orden",
            )
            return None
    if q.options and q.items:
        ctx.error(
            q.line,
            "quiz-mixed",
            "la pregunta mezcla opciones (- [ ]) con una lista numerada; usa solo una de las dos",
        )
        return None
    if kind is None:
        if q.options:
            names = tuple(sorted(norm_key(o[2]) for o in q.options))
            kind = "true_false" if names == ("falso", "verdadero") else "single"
        elif q.items:
            kind = "ordering"
        elif q.answers:
            kind = "text"
        else:
            ctx.error(
                q.line,
                "quiz-no-options",
                "la pregunta no tiene opciones ni Respuesta:; agrega opciones - [ ] / - [x]",
            )
            return None
    options: list[Option] = []
    answers: tuple[str, ...] = ()
    if kind in ("single", "multiple", "true_false"):
        if q.items or q.answers:
            ctx.error(
                q.line,
                "quiz-kind-mismatch",
                "esta pregunta es de opciones: usa - [ ] y - [x], no lista numerada ni Respuesta:",
            )
            ok = False
        for n, (line, correct, text, feedback) in enumerate(q.options):
            if not text.strip():
                ctx.error(line, "quiz-empty-option", "la opción está vacía; escribe su texto")
                ok = False
            html, plain = render_inline(text, ctx, line)
            fb_html = " ".join(render_inline(t, ctx, ln)[0] for ln, t in feedback)
            options.append(Option(_letter(n), html, plain, correct, fb_html))
        n_correct = sum(1 for o in options if o.correct)
        if kind != "true_false" and len(options) < 2:
            ctx.error(q.line, "quiz-few-options", "la pregunta necesita al menos 2 opciones")
            ok = False
        if n_correct == 0:
            ctx.error(
                q.line,
                "quiz-no-correct",
                "la pregunta no tiene respuesta correcta; marca la correcta con - [x]",
            )
            ok = False
        elif kind in ("single", "true_false") and n_correct > 1:
            ctx.error(
                q.line,
                "quiz-many-correct",
                f"pregunta de una sola respuesta con {n_correct} respuestas correctas; marca "
                "solo una o usa Tipo: varias",
            )
            ok = False
        if kind == "true_false":
            names = tuple(sorted(norm_key(o.text) for o in options))
            if names != ("falso", "verdadero"):
                ctx.error(
                    q.line,
                    "quiz-true-false",
                    "una pregunta verdadero-falso lleva dos opciones: Verdadero y Falso",
                )
                ok = False
    elif kind == "text":
        if q.options or q.items:
            ctx.error(
                q.line,
                "quiz-kind-mismatch",
                "una pregunta de texto no lleva opciones; escribe las respuestas con Respuesta:",
            )
            ok = False
        answers = tuple(a.strip() for _, a in q.answers if a.strip())
        for line, value in q.answers:
            if not value.strip():
                ctx.error(line, "quiz-empty-answer", "Respuesta: está vacía; escribe la respuesta")
                ok = False
        if not q.answers:
            ctx.error(
                q.line,
                "quiz-no-answer",
                "la pregunta de texto no tiene respuesta; agrega una línea Respuesta: ...",
            )
            ok = False
    else:  # ordering
        if q.options or q.answers:
            ctx.error(
                q.line,
                "quiz-kind-mismatch",
                "una pregunta de orden es una lista numerada 1. 2. 3. en el orden correcto",
            )
            ok = False
        if len(q.items) < 2:
            ctx.error(q.line, "quiz-few-options", "la pregunta de orden necesita al menos 2 pasos")
            ok = False
        numbers = [number for _, number, _ in q.items]
        if numbers != list(range(1, len(numbers) + 1)):
            ctx.error(
                q.items[0][0] if q.items else q.line,
                "quiz-order-numbers",
                "numera los pasos 1, 2, 3... en el orden correcto",
            )
            ok = False
        keys = _ordering_keys([t for _, _, t in q.items])
        for k, (line, _number, text) in zip(keys, q.items, strict=True):
            if not text.strip():
                ctx.error(line, "quiz-empty-option", "el paso está vacío; escribe su texto")
                ok = False
            html, plain = render_inline(text, ctx, line)
            options.append(Option(k, html, plain, True))
    if not ok:
        return None
    return Question(
        key=key,
        kind=kind,
        prompt_html=prompt_html,
        prompt_text=prompt_text,
        options=tuple(options),
        answers=answers,
        points=points,
        hint_html=hint_html,
        feedback_html=feedback_html,
        line=q.line,
    )


def valid_quiz_id(quiz_id: str) -> bool:
    """True when the id is lowercase letters, digits and hyphens."""
    return bool(QUIZ_ID.match(quiz_id))
