"""Parse quiz blocks line by line, so every problem points at its exact line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .frontmatter import parse_bool, v_attempts, v_percent, v_positive_int
from .grading import normalize_text_answer
from .model import Option, Question, QuestionKind, Quiz
from .page_context import PageContext
from .renderer import render_inline
from .textutil import norm_key, shorten, suggest

# These patterns see lines without trailing whitespace (_read strips it), so each ends in a plain
# (.*)$: a lazy (.*?)\s*$ tried every split of a run of spaces and made a long line quadratic
# (cubic for a heading's \s*#*\s*$; issue 25). A heading's closing #s are stripped in _title.
_HEADING = re.compile(r"^\s{0,3}(#{2,6})\s+(.*)$")
_OPTION = re.compile(r"^\s{0,3}[-*+]\s+\[([ xX])\]\s*(.*)$")
_BAD_OPTION = re.compile(r"^\s{0,3}[-*+]\s+(\[.?.?\])?")
_FEEDBACK = re.compile(r"^\s*>\s?(.*)$")
_ITEM = re.compile(r"^\s{0,3}(\d{1,3})[.)]\s+(.*)$")
_META = re.compile(r"^\s*([^\W\d_][^\W\d_ ]{1,24}(?: [^\W\d_]{1,24})?)\s*:\s*(.*)$")
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
_TRUE_FALSE_NAMES = ("falso", "verdadero")  # sorted


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
    block_settings, drafts = _read(lines, ctx, allow_settings=allow_settings)
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


def _read(
    lines: list[tuple[int, str]], ctx: PageContext, *, allow_settings: bool
) -> tuple[dict[str, tuple[int, Any]], list[_Draft]]:
    """Split a quiz's lines into its settings {key: (line, value)} and one draft per question."""
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
            current = _Draft(lineno, _title(heading.group(2)))
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
    return block_settings, drafts


def _title(text: str) -> str:
    """A question heading's text without its closing #s and the spaces around them."""
    return text.rstrip("#").rstrip()


def _unrecognised(ctx: PageContext, lineno: int, text: str) -> None:
    shown = shorten(text.strip(), 40)
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
        # Even before the options: a line like «Color: verde» was shown to participants as
        # question text (issue 21). Question text goes on the ### line and plain lines below it.
        hint = suggest(key, QUESTION_KEYS)
        ctx.error(
            lineno,
            "quiz-unknown-key",
            f"dato desconocido '{meta.group(1)}:' en la pregunta;"
            + (hint or " usa Tipo, Pista, Retroalimentación, Puntos o Respuesta")
            + ("" if q.started else "; si es parte de la pregunta, quita los dos puntos"),
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


# --- one question: common parts, its kind, then the validator of that kind ----------------------

# What a kind's validator builds: the options (or ordering steps) and the accepted text answers;
# None when the question has an error (already reported).
_Built = tuple[tuple[Option, ...], tuple[str, ...]] | None


def _finish(
    q: _Draft, key: str, ctx: PageContext, *, kind_default: QuestionKind | None = None
) -> Question | None:
    """Build the question of a draft, or report why it cannot be built and return None.

    KIND_DEFAULT is the kind when the draft has no Tipo: (an easy-read wording takes the kind
    of the full question); without it the kind is guessed from the options.
    """
    prompt_html, prompt_text = _prompt(q, ctx)
    points = _points(q, ctx)
    hint_html = _meta_html(q, "pista", ctx)
    feedback_html = _meta_html(q, "retroalimentacion", ctx)
    kind = _kind(q, ctx, kind_default)
    if kind is None:
        return None
    built = VALIDATORS[kind](q, ctx)
    if built is None or points is None:
        return None
    options, answers = built
    return Question(
        key=key,
        kind=kind,
        prompt_html=prompt_html,
        prompt_text=prompt_text,
        options=options,
        answers=answers,
        points=points,
        hint_html=hint_html,
        feedback_html=feedback_html,
        line=q.line,
    )


def _prompt(q: _Draft, ctx: PageContext) -> tuple[str, str]:
    prompt_html, prompt_text = render_inline(q.title, ctx, q.line)
    extra = [render_inline(t, ctx, n) for n, t in q.prompt]
    if extra:
        prompt_html = "<br>".join([prompt_html, *(h for h, _ in extra)])
        prompt_text = " ".join([prompt_text, *(t for _, t in extra)])
    return prompt_html, prompt_text


def _points(q: _Draft, ctx: PageContext) -> int | None:
    """The question's points (1 when not given); None when Puntos: is not valid."""
    if "puntos" not in q.meta:
        return 1
    line, value = q.meta["puntos"]
    if value.strip().isdigit() and int(value) >= 1:
        return int(value)
    ctx.error(line, "quiz-bad-points", "Puntos debe ser un número entero desde 1")
    return None


def _meta_html(q: _Draft, name: str, ctx: PageContext) -> str:
    if name not in q.meta:
        return ""
    line, value = q.meta[name]
    return render_inline(value, ctx, line)[0]


def _kind(q: _Draft, ctx: PageContext, default: QuestionKind | None) -> QuestionKind | None:
    """The kind written in Tipo:, else DEFAULT, else guessed from what the question holds."""
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
    if kind is not None or default is not None:
        return kind or default
    if q.options:
        names = tuple(sorted(norm_key(o[2]) for o in q.options))
        return "true_false" if names == _TRUE_FALSE_NAMES else "single"
    if q.items:
        return "ordering"
    if q.answers:
        return "text"
    ctx.error(
        q.line,
        "quiz-no-options",
        "la pregunta no tiene opciones ni Respuesta:; agrega opciones - [ ] / - [x]",
    )
    return None


def _choice_options(q: _Draft, ctx: PageContext) -> tuple[list[Option], bool]:
    """The options of a choice question (keys a, b, c… in the written order), and whether
    they are free of errors."""
    ok = True
    if q.items or q.answers:
        ctx.error(
            q.line,
            "quiz-kind-mismatch",
            "esta pregunta es de opciones: usa - [ ] y - [x], no lista numerada ni Respuesta:",
        )
        ok = False
    options = []
    for n, (line, correct, text, feedback) in enumerate(q.options):
        if not text.strip():
            ctx.error(line, "quiz-empty-option", "la opción está vacía; escribe su texto")
            ok = False
        html, plain = render_inline(text, ctx, line)
        fb_html = " ".join(render_inline(t, ctx, ln)[0] for ln, t in feedback)
        options.append(Option(_letter(n), html, plain, correct, fb_html))
    return options, ok


def _enough_options(q: _Draft, options: list[Option], ctx: PageContext) -> bool:
    if len(options) >= 2:
        return True
    ctx.error(q.line, "quiz-few-options", "la pregunta necesita al menos 2 opciones")
    return False


def _correct_count(q: _Draft, options: list[Option], ctx: PageContext, *, one: bool) -> bool:
    """Check that some option is right and, when ONE, that only one is."""
    n_correct = sum(1 for o in options if o.correct)
    if n_correct == 0:
        ctx.error(
            q.line,
            "quiz-no-correct",
            "la pregunta no tiene respuesta correcta; marca la correcta con - [x]",
        )
        return False
    if one and n_correct > 1:
        ctx.error(
            q.line,
            "quiz-many-correct",
            f"pregunta de una sola respuesta con {n_correct} respuestas correctas; marca "
            "solo una o usa Tipo: varias",
        )
        return False
    return True


def _check_single(q: _Draft, ctx: PageContext) -> _Built:
    options, ok = _choice_options(q, ctx)
    ok = _enough_options(q, options, ctx) and ok
    ok = _correct_count(q, options, ctx, one=True) and ok
    return (tuple(options), ()) if ok else None


def _check_multiple(q: _Draft, ctx: PageContext) -> _Built:
    options, ok = _choice_options(q, ctx)
    ok = _enough_options(q, options, ctx) and ok
    ok = _correct_count(q, options, ctx, one=False) and ok
    return (tuple(options), ()) if ok else None


def _check_true_false(q: _Draft, ctx: PageContext) -> _Built:
    options, ok = _choice_options(q, ctx)
    ok = _correct_count(q, options, ctx, one=True) and ok
    names = tuple(sorted(norm_key(o.text) for o in options))
    if names != _TRUE_FALSE_NAMES:
        ctx.error(
            q.line,
            "quiz-true-false",
            "una pregunta verdadero-falso lleva dos opciones: Verdadero y Falso",
        )
        ok = False
    return (tuple(options), ()) if ok else None


def _check_text(q: _Draft, ctx: PageContext) -> _Built:
    ok = True
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
    return ((), answers) if ok else None


def _check_ordering(q: _Draft, ctx: PageContext) -> _Built:
    ok = True
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
    options = []
    keys = _ordering_keys([t for _, _, t in q.items])
    for k, (line, _number, text) in zip(keys, q.items, strict=True):
        if not text.strip():
            ctx.error(line, "quiz-empty-option", "el paso está vacío; escribe su texto")
            ok = False
        html, plain = render_inline(text, ctx, line)
        options.append(Option(k, html, plain, True))
    return (tuple(options), ()) if ok else None


VALIDATORS: dict[QuestionKind, Callable[[_Draft, PageContext], _Built]] = {
    "single": _check_single,
    "multiple": _check_multiple,
    "true_false": _check_true_false,
    "text": _check_text,
    "ordering": _check_ordering,
}


# --- easy-read wording of a quiz --------------------------------------------------------------

KIND_NAMES: dict[QuestionKind, str] = {
    "single": "una",
    "multiple": "varias",
    "true_false": "verdadero-falso",
    "text": "texto",
    "ordering": "orden",
}


def parse_easy_wording(
    lines: list[tuple[int, str]], ctx: PageContext, *, full: Quiz, line: int
) -> Quiz | None:
    """Parse the easy-read wording of the quiz FULL, written with the same syntax.

    The wording must correspond question by question (count, kind, number of options, answer
    key) so that grading it would give the same result; every difference is an error. What the
    wording leaves out (Tipo, Respuesta, a hint, a feedback) is taken from the full version.
    Returns None when there is an error (reported).
    """
    block_settings, drafts = _read(lines, ctx, allow_settings=True)
    ok = True
    for key, (lineno, _value) in block_settings.items():
        if key != "titulo":
            ctx.error(
                lineno,
                "quiz-easy-setting",
                f"'{key}' no va en la versión de lectura fácil: la prueba se corrige con los "
                "ajustes de la versión completa; aquí solo vale Titulo:",
            )
            ok = False
    title = parse_settings({k: v for k, v in block_settings.items() if k == "titulo"}, ctx)
    if len(drafts) != len(full.questions):
        ctx.error(
            line,
            "quiz-easy-count",
            f"la versión de lectura fácil de la prueba '{full.id}' tiene {len(drafts)} "
            f"preguntas y la versión completa tiene {len(full.questions)} ({full.path}:"
            f"{full.line}); escribe las mismas preguntas, en el mismo orden",
        )
        return None
    questions = []
    for n, (draft, original) in enumerate(zip(drafts, full.questions, strict=True), start=1):
        question = _easy_question(draft, original, n, ctx)
        if question is None:
            ok = False
        else:
            questions.append(question)
    if not ok:
        return None
    return replace(
        full,
        title=title.get("title", full.title),
        questions=tuple(questions),
        path=ctx.display,
        line=line,
        easy_read=None,
    )


def _easy_question(q: _Draft, full: Question, n: int, ctx: PageContext) -> Question | None:
    """Question N in easy read, bound to the full question's keys; None when they differ."""
    if "tipo" in q.meta:
        written = KINDS.get(norm_key(q.meta["tipo"][1]))
        if written is not None and written != full.kind:
            ctx.error(
                q.meta["tipo"][0],
                "quiz-easy-kind",
                f"la pregunta {n} es de tipo {KIND_NAMES[written]} y en la versión completa "
                f"es de tipo {KIND_NAMES[full.kind]}; usa el mismo tipo (o no escribas Tipo:)",
            )
            return None
    if full.kind == "text" and not q.answers and not q.options and not q.items:
        q.answers = [(q.line, answer) for answer in full.answers]
    easy = _finish(q, full.key, ctx, kind_default=full.kind)
    if easy is None:
        return None
    if "puntos" in q.meta and easy.points != full.points:
        ctx.error(
            q.meta["puntos"][0],
            "quiz-easy-points",
            f"la pregunta {n} vale {easy.points} puntos y en la versión completa "
            f"{full.points}; los puntos se ponen en la versión completa (borra Puntos: aquí)",
        )
        return None
    if not _same_answer_key(easy, full, n, ctx):
        return None
    options = tuple(
        replace(o, key=f.key, feedback_html=o.feedback_html or f.feedback_html)
        for o, f in zip(easy.options, full.options, strict=True)
    )
    return replace(
        easy,
        options=options,
        answers=easy.answers or full.answers,
        points=full.points,
        hint_html=easy.hint_html or full.hint_html,
        feedback_html=easy.feedback_html or full.feedback_html,
    )


def _same_answer_key(easy: Question, full: Question, n: int, ctx: PageContext) -> bool:
    """Report where EASY would not be graded as FULL: options, right options, answers."""
    if len(easy.options) != len(full.options):
        what = "pasos" if full.kind == "ordering" else "opciones"
        ctx.error(
            easy.line,
            "quiz-easy-options",
            f"la pregunta {n} tiene {len(easy.options)} {what} y en la versión completa tiene "
            f"{len(full.options)}; escribe las mismas {what}, en el mismo orden",
        )
        return False
    right = [o.correct for o in easy.options]
    expected = [o.correct for o in full.options]
    if full.kind != "ordering" and right != expected:
        ctx.error(
            easy.line,
            "quiz-easy-answer-key",
            f"en la pregunta {n} las respuestas correctas no son las de la versión completa: "
            f"allí {_positions(expected)}, aquí {_positions(right)}; marca con [x] las mismas "
            "opciones, en el mismo orden",
        )
        return False
    if full.kind == "text" and _accepted(easy) != _accepted(full):
        ctx.error(
            easy.line,
            "quiz-easy-answers",
            f"las respuestas aceptadas de la pregunta {n} no son las de la versión completa "
            f"({' · '.join(full.answers)}); escribe las mismas Respuesta: o bórralas (se usan "
            "las de la versión completa)",
        )
        return False
    return True


def _positions(flags: list[bool]) -> str:
    """Which options are right, in words: «la opción 2», «las opciones 1 y 3»."""
    numbers = [str(i) for i, flag in enumerate(flags, start=1) if flag]
    if not numbers:
        return "ninguna opción"
    if len(numbers) == 1:
        return f"la opción {numbers[0]}"
    return "las opciones " + ", ".join(numbers[:-1]) + " y " + numbers[-1]


def _accepted(question: Question) -> frozenset[str]:
    return frozenset(normalize_text_answer(a) for a in question.answers)


def valid_quiz_id(quiz_id: str) -> bool:
    """True when the id is lowercase letters, digits and hyphens."""
    return bool(QUIZ_ID.match(quiz_id))
