"""Warnings on a course's quizzes as a whole: answers a test-wise guess gets right.

A participant who always picks the longest option, or always answers "Falso", should not pass.
These checks look at every quiz of a course together, so they run once the course is loaded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .model import Question, Quiz
from .problems import Reporter
from .textutil import strip_accents

LONGEST_MAX_SHARE = 1 / 3  # correct option strictly the longest in more than this share: warn
TRUE_SHARE_RANGE = (0.4, 0.6)  # share of true/false questions whose answer is "Verdadero"

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+")
# Words that say nothing about the answer (articles, prepositions, pronouns, common verbs).
_STOPWORDS_TEXT = """
    a al algo ante como con cual cuando de del desde donde el ella ellas ellos en entre era es
    esa esas ese eso esos esta estan estas este esto estos fue ha hay la las le les lo los mas
    me mi muy ni no nos o otra otro para pero por que se sea segun ser si sin sobre son su sus
    tambien te tiene tu un una uno unos unas y ya
    """
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def _words(text: str) -> set[str]:
    """The content words of TEXT: lowercase, without accents, stop words and a plural -s."""
    out = set()
    for word in _WORD.findall(strip_accents(text).lower()):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        if len(word) > 4 and word.endswith("es") and word[-3] in "nrldzj":
            word = word[:-2]  # organizaciones -> organizacion, mujeres -> mujer
        elif len(word) > 3 and word.endswith("s"):
            word = word[:-1]  # clientes -> cliente
        out.add(word)
    return out


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


def _strictly_longest_is_correct(question: Question) -> bool:
    lengths = [(len(o.text.strip()), o.correct) for o in question.options]
    right = [n for n, correct in lengths if correct]
    wrong = [n for n, correct in lengths if not correct]
    return bool(right and wrong) and right[0] > max(wrong)


def _is_true(question: Question) -> bool:
    answer = next((o for o in question.options if o.correct), None)
    return answer is not None and strip_accents(answer.text).strip().lower() == "verdadero"


def check_quizzes(quizzes: Iterable[Quiz], rep: Reporter) -> None:
    """Warn about answer patterns across all the quizzes of one course."""
    located = [(quiz.path, q) for quiz in quizzes for q in quiz.questions]
    single = [(path, q) for path, q in located if q.kind == "single"]
    longest = [(path, q) for path, q in single if _strictly_longest_is_correct(q)]
    if single and len(longest) > len(single) * LONGEST_MAX_SHARE:
        for path, q in longest:
            rep.warning(
                path,
                q.line,
                "quiz-longest-correct",
                f"la respuesta correcta es la opción más larga en {len(longest)} de "
                f"{len(single)} preguntas de una respuesta de este curso (más de un tercio): "
                "quien elige siempre la más larga acierta; escribe opciones de largo parecido",
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
