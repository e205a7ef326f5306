"""Warnings on a course's quizzes as a whole: answers a test-wise guess gets right.

A participant who picks options by their form (the shortest, the one without «siempre»), or
always answers "Falso", should not pass.
These checks look at every quiz of a course together, so they run once the course is loaded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .model import Question, Quiz
from .problems import Reporter
from .quiz_cues import (
    MAX_EXCESS,
    content_words,
    course_figures,
    describe_cues,
    has_easy_read,
    percent,
)
from .textutil import strip_accents

TRUE_SHARE_RANGE = (0.4, 0.6)  # share of true/false questions whose answer is "Verdadero"

_TAG = re.compile(r"<[^>]+>")
_words = content_words  # the content words of a text (see quiz_cues)


def _plain(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))


def _gives_away(question: Question) -> bool:
    """True when the hint holds every content word of an answer and of no wrong option."""
    hint = _words(_plain(question.hint_html))
    if not hint:
        return False
    if question.kind == "text":
        return any((words := _words(a)) and words <= hint for a in question.answers)
    if question.kind not in ("single", "multiple", "true_false"):
        return False
    right = [_words(o.text) for o in question.options if o.correct]
    wrong = [_words(o.text) for o in question.options if not o.correct]
    if any(words and words <= hint for words in wrong):
        return False  # the hint names a wrong option too: it does not point at the answer
    return any(words and words <= hint for words in right)


def _is_true(question: Question) -> bool:
    answer = next((o for o in question.options if o.correct), None)
    return answer is not None and strip_accents(answer.text).strip().lower() == "verdadero"


def check_quizzes(quizzes: Iterable[Quiz], rep: Reporter) -> None:
    """Warn about answer patterns across all the quizzes of one course."""
    quizzes = list(quizzes)
    located = [(quiz.path, q) for quiz in quizzes for q in quiz.questions]
    for easy in (False, True) if has_easy_read(quizzes) else (False,):
        figures = course_figures(quizzes, easy)
        if figures.warns:
            rep.warning(
                figures.first_path,
                figures.first_line,
                "quiz-form-cues",
                ("en la versión de lectura fácil de las pruebas, " if easy else "")
                + "quien no leyó el curso y elige solo por la forma de las opciones acierta en "
                f"promedio {percent(figures.reader)} de las {figures.questions} preguntas de una "
                f"respuesta de este curso; al azar acertaría {percent(figures.chance)} "
                f"({round(figures.excess * 100)} puntos más; el máximo es "
                f"{round(MAX_EXCESS * 100)}). Le basta {describe_cues(figures)}; esta pregunta "
                "es la primera que acierta así. Reescribe las opciones incorrectas: errores "
                "creíbles con el mismo largo, tono y gramática que la correcta; palabras "
                "absolutas («siempre», «nunca», «solo») y matices («puede», «en general») tanto "
                "en correctas como en incorrectas; que las palabras de la pregunta no se repitan "
                "solo en la correcta (las cifras de cada curso: flask courses quiz-cues)",
            )
    true_false = [(path, q) for path, q in located if q.kind == "true_false"]
    if true_false:
        trues = sum(1 for _path, q in true_false if _is_true(q))
        falses = len(true_false) - trues
        share = trues / len(true_false)
        low, high = TRUE_SHARE_RANGE
        # With an odd number of questions a difference of one is as even as it gets.
        if not low <= share <= high and abs(trues - falses) > 1:
            majority = "Verdadero" if trues > falses else "Falso"
            path, first = next(
                (path, q) for path, q in true_false if _is_true(q) == (majority == "Verdadero")
            )
            rep.warning(
                path,
                first.line,
                "quiz-true-false-lopsided",
                f"en este curso «{majority}» es la respuesta de {max(trues, falses)} de "
                f"{len(true_false)} preguntas de verdadero o falso ({round(share * 100)} % "
                "«Verdadero»): quien responde siempre lo mismo acierta; deja entre 40 % y 60 % "
                "de «Verdadero»",
            )
    for path, q in located:
        if q.kind == "multiple" and all(o.correct for o in q.options):
            rep.warning(
                path,
                q.line,
                "quiz-all-correct",
                "todas las opciones de esta pregunta son correctas: quien marca todo acierta sin "
                "leer; agrega al menos una opción incorrecta que sea un error creíble",
            )
        if q.hint_html and _gives_away(q):
            rep.warning(
                path,
                q.line,
                "quiz-hint-answer",
                "la pista contiene las palabras de la respuesta correcta; da una pista que "
                "ayude a pensar sin decir la respuesta",
            )
