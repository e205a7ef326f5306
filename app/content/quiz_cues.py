"""How far a course's quizzes can be passed from the form of their options alone.

A test-wise reader who knows nothing of the content still picks well when the right option is
marked by its form: it is the shortest (or the longest), the wrong ones say «siempre» or
«nunca», the right one hedges («puede», «en general») or repeats the words of the question.
This module measures those cues over the single-answer questions of one course and plays a
deterministic *form-only reader* against them. The reader's expected score (the mean, over the
questions, of the chance that its guess is right, guessing evenly among the options it cannot
tell apart) is the best of:

- the fixed rules a test-wise reader brings from school: always the shortest option, always the
  longest, never an option with an absolute word;
- a reader that learns which cues pay in this course, as a participant who sees the feedback of
  a few quizzes and retries: for each cue it takes the direction that pays (avoid or prefer
  absolute words, hedges, echoes of the question; the shortest or the longest) once it pays
  clearly, and narrows each question's options with the paying cues in the order a test-wise
  reader uses them (absolute words, hedges, echo, length), keeping the best combination. It is
  scored leave-one-out, each question with what it learned from the others, so that it cannot
  "learn" a cue from the very answer it is scored on.

It is compared with chance, the mean of 1/n. The checker warns when the reader beats chance by
more than 5 points (quiz_lint); `flask courses quiz-cues` prints the figures.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Question, Quiz
from .textutil import strip_accents

MAX_EXCESS = 0.05  # the form-only reader may beat chance by at most 5 points
# Fewer single-answer questions than this and the course gets no warning. A course with 1 to 4
# such questions (a short workshop, a draft) has no pattern to speak of: one question whose
# right option happens to be the shortest is 17 to 67 points over chance for "always the
# shortest", so the warning would be about one question's wording and could only be silenced by
# writing the others to order. From 5 on, a cue needs two questions to pay; the shipped courses
# have 6 to 15 such questions, so every one of them is held to the target.
MIN_QUESTIONS = 5
# A reader switches to a cue only once it has paid more than 10 points over chance on the
# questions it has seen (about one question in ten): in courses of 6 to 15 questions a cue that
# pays less is luck, and adopting it would make the reader's score swing with the wording.
ADOPT_MARGIN = 0.10

# Words that make a statement absolute. A test-wise reader drops options with them.
ABSOLUTE_WORDS = frozenset(
    [
        "siempre",
        "nunca",
        "jamas",
        "solo",
        "solamente",
        "unicamente",
        "exclusivamente",
        "todos",
        "todas",
        "ninguno",
        "ninguna",
        "ningun",
        "nadie",
        "cualquier",
        "cualquiera",
        "completamente",
        "totalmente",
    ]
)
# Hedges: a test-wise reader prefers options that qualify what they say.
HEDGES = (
    "puede",
    "pueden",
    "podria",
    "podrian",
    "suele",
    "suelen",
    "generalmente",
    "normalmente",
    "habitualmente",
    "frecuentemente",
    "probablemente",
    "posiblemente",
    "a veces",
    "a menudo",
    "algunas veces",
    "muchas veces",
    "en general",
    "por lo general",
    "en algunos casos",
    "en ciertos casos",
    "en la mayoria",
    "depende",
    "dependiendo",
)
_TOKEN = re.compile(r"[^\W_]+")
# Words that say nothing about the answer (articles, prepositions, pronouns, common verbs).
_STOPWORDS_TEXT = """
    a al algo ante como con cual cuando de del desde donde el ella ellas ellos en entre era es
    esa esas ese eso esos esta estan estas este esto estos fue ha hay la las le les lo los mas
    me mi muy ni no nos o otra otro para pero por que se sea segun ser si sin sobre son su sus
    tambien te tiene tu un una uno unos unas y ya
    """
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_HEDGE = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in HEDGES) + r")\b")
_SPACE = re.compile(r"\s+")


def content_words(text: str) -> set[str]:
    """The content words of TEXT: lowercase, without accents, stop words and a plural -s."""
    out = set()
    for word in _TOKEN.findall(strip_accents(text).lower()):
        if word in STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        if len(word) > 4 and word.endswith("es") and word[-3] in "nrldzj":
            word = word[:-2]  # organizaciones -> organizacion, mujeres -> mujer
        elif len(word) > 3 and word.endswith("s"):
            word = word[:-1]  # clientes -> cliente
        out.add(word)
    return out


def _fold(text: str) -> str:
    return strip_accents(text).lower()


def has_absolute(text: str) -> bool:
    return any(token in ABSOLUTE_WORDS for token in _TOKEN.findall(_fold(text)))


def has_hedge(text: str) -> bool:
    return _HEDGE.search(" ".join(_TOKEN.findall(_fold(text)))) is not None


def option_length(text: str) -> int:
    return len(_SPACE.sub(" ", text).strip())


@dataclass(frozen=True)
class OptionForm:
    """What a reader sees of one option without understanding it."""

    correct: bool
    length: int
    absolute: bool
    hedge: bool
    echo: int  # content words of the question that the option repeats


@dataclass(frozen=True)
class Located:
    """A single-answer question with its file and the form of its options."""

    path: str
    line: int
    options: tuple[OptionForm, ...]


def option_forms(question: Question) -> tuple[OptionForm, ...]:
    stem = content_words(question.prompt_text)
    return tuple(
        OptionForm(
            correct=o.correct,
            length=option_length(o.text),
            absolute=has_absolute(o.text),
            hedge=has_hedge(o.text),
            echo=len(stem & content_words(o.text)),
        )
        for o in question.options
    )


@dataclass(frozen=True)
class Cue:
    """One way of narrowing the options: keep those with the highest (or lowest) value."""

    name: str  # stable id, e.g. "shortest"
    label: str  # Spanish, for the reports
    value: Callable[[OptionForm], int]
    prefer_high: bool

    def narrow(self, options: list[OptionForm]) -> list[OptionForm]:
        values = [self.value(o) for o in options]
        best = max(values) if self.prefer_high else min(values)
        return [o for o, v in zip(options, values, strict=True) if v == best]


# Each cue family with its two directions, in the order a test-wise reader applies them.
CUE_FAMILIES: tuple[tuple[Cue, Cue], ...] = (
    (
        Cue(
            "avoid-absolute",
            "descartar las opciones con palabras absolutas",
            lambda o: o.absolute,
            False,
        ),
        Cue(
            "prefer-absolute",
            "elegir las opciones con palabras absolutas",
            lambda o: o.absolute,
            True,
        ),
    ),
    (
        Cue(
            "prefer-hedge",
            "elegir las opciones con matices («puede», «en general»)",
            lambda o: o.hedge,
            True,
        ),
        Cue(
            "avoid-hedge",
            "descartar las opciones con matices («puede», «en general»)",
            lambda o: o.hedge,
            False,
        ),
    ),
    (
        Cue(
            "prefer-echo",
            "elegir la opción que repite palabras de la pregunta",
            lambda o: o.echo,
            True,
        ),
        Cue(
            "avoid-echo",
            "descartar la opción que repite palabras de la pregunta",
            lambda o: o.echo,
            False,
        ),
    ),
    (
        Cue("shortest", "elegir la opción más corta", lambda o: o.length, False),
        Cue("longest", "elegir la opción más larga", lambda o: o.length, True),
    ),
)
CUES = {cue.name: cue for family in CUE_FAMILIES for cue in family}
RULES = ("shortest", "longest", "avoid-absolute")


def hit_chance(options: Iterable[OptionForm], cues: Iterable[Cue]) -> float:
    """The chance that the reader using CUES (in order) picks the right option."""
    left = list(options)
    for cue in cues:
        left = cue.narrow(left)
    return sum(1 for o in left if o.correct) / len(left)


@dataclass(frozen=True)
class CueFigures:
    """A course's quiz-cue figures over its single-answer questions."""

    questions: int
    chance: float  # mean of 1/n
    reader: float  # expected score of the form-only reader
    shortest: float  # score of always picking the shortest (ties split evenly)
    longest: float
    absolute_right: int  # right options with an absolute word
    absolute_wrong: int
    hedge_right: int
    hedge_wrong: int
    echo_right: int  # right options that repeat a content word of the question
    echo_wrong: int
    right_options: int
    wrong_options: int
    cues: tuple[str, ...]  # names of the cues that won the reader a question, in its order
    first_path: str = ""  # first question the reader gets right through a cue
    first_line: int = 0

    @property
    def excess(self) -> float:
        return self.reader - self.chance

    @property
    def warns(self) -> bool:
        # A hair of tolerance so that a reader exactly 5 points over chance does not warn.
        return self.questions >= MIN_QUESTIONS and self.excess > MAX_EXCESS + 1e-9


def single_questions(quizzes: Iterable[Quiz], easy: bool = False) -> list[Located]:
    """The course's single-answer questions with one right option among two or more, as a
    reader of the full text sees them or, when EASY, a reader of the easy-read version."""
    out = []
    for full in quizzes:
        quiz = full.wording(easy)
        for q in quiz.questions:
            if q.kind != "single" or len(q.options) < 2:
                continue
            if sum(1 for o in q.options if o.correct) != 1:
                continue  # the loader reports it as an error
            out.append(Located(quiz.path, q.line, option_forms(q)))
    return out


def _chance(questions: list[Located]) -> float:
    return sum(1 / len(q.options) for q in questions) / len(questions)


# Every way the reader can narrow the options: at most one direction of each cue family, in the
# reader's order (the empty one is plain guessing).
STRATEGIES: tuple[tuple[Cue, ...], ...] = tuple(
    tuple(cue for cue in pick if cue is not None)
    for pick in itertools.product(*((None, *family) for family in CUE_FAMILIES))
)


def learn(totals: dict[tuple[Cue, ...], float], n: int, chance: float) -> tuple[Cue, ...]:
    """The cues a reader settles on after seeing the answers to N questions, TOTALS being the
    sum of each strategy's hits over them: the direction of each cue family that pays clearly
    alone, and of those the combination (in the reader's order) that scores best."""
    paying = []
    for family in CUE_FAMILIES:
        best = max(family, key=lambda cue: totals[(cue,)])  # the first on a tie
        if totals[(best,)] / n > chance + ADOPT_MARGIN + 1e-9:
            paying.append(best)
    top, used = chance, ()
    for size in range(1, len(paying) + 1):
        for subset in itertools.combinations(paying, size):
            if totals[subset] / n > top + 1e-9:  # the smallest combination on a tie
                top, used = totals[subset] / n, subset
    return used


def has_easy_read(quizzes: Iterable[Quiz]) -> bool:
    """Whether some quiz has its own easy-read wording (else that reader sees the full one)."""
    return any(quiz.easy_read is not None for quiz in quizzes)


def course_figures(quizzes: Iterable[Quiz], easy: bool = False) -> CueFigures:
    """Measure the quiz cues of one course (every quiz of it, in course order) in the wording
    of the full text or, when EASY, of the easy-read version."""
    questions = single_questions(quizzes, easy)
    options = [o for q in questions for o in q.options]
    right = [o for o in options if o.correct]
    wrong = [o for o in options if not o.correct]
    counts = {
        "absolute_right": sum(o.absolute for o in right),
        "absolute_wrong": sum(o.absolute for o in wrong),
        "hedge_right": sum(o.hedge for o in right),
        "hedge_wrong": sum(o.hedge for o in wrong),
        "echo_right": sum(o.echo > 0 for o in right),
        "echo_wrong": sum(o.echo > 0 for o in wrong),
        "right_options": len(right),
        "wrong_options": len(wrong),
    }
    if not questions:
        return CueFigures(0, 0.0, 0.0, 0.0, 0.0, cues=(), **counts)
    chance = _chance(questions)
    table = {cues: [hit_chance(q.options, cues) for q in questions] for cues in STRATEGIES}
    totals = {cues: sum(hits) for cues, hits in table.items()}
    # The learning reader, scored on each question with what it learned from the others (leave
    # one out): a reader scored on the questions it learned from would find "cues" in any course
    # by luck, since among eight cue directions and their combinations one always fits.
    hits: list[float] = []
    paid: set[str] = set()  # the cues that won it a question
    for i, q in enumerate(questions):
        cues: tuple[Cue, ...] = ()
        if len(questions) > 1:
            others = {key: total - table[key][i] for key, total in totals.items()}
            n = len(questions) - 1
            cues = learn(others, n, (chance * len(questions) - 1 / len(q.options)) / n)
        hits.append(table[cues][i])
        if hits[-1] > 1 / len(q.options):
            paid.update(cue.name for cue in cues)
    best = (sum(hits) / len(hits), tuple(name for name in CUES if name in paid), hits)
    # The fixed rules a test-wise reader brings from school, needing nothing to learn: always the
    # shortest, always the longest, never an option with an absolute word. Few enough that the
    # best of them on a balanced course stays near chance.
    for name in RULES:
        rule_hits = table[(CUES[name],)]
        score = sum(rule_hits) / len(rule_hits)
        if score > best[0] + 1e-9:
            best = (score, (name,), rule_hits)
    reader, names, best_hits = best
    first = next(
        (q for q, hit in zip(questions, best_hits, strict=True) if hit > 1 / len(q.options)),
        None,
    )
    return CueFigures(
        questions=len(questions),
        chance=chance,
        reader=reader,
        shortest=totals[(CUES["shortest"],)] / len(questions),
        longest=totals[(CUES["longest"],)] / len(questions),
        cues=names if reader > chance + 1e-9 else (),
        first_path=first.path if first else "",
        first_line=first.line if first else 0,
        **counts,
    )


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def describe_cues(figures: CueFigures) -> str:
    """The cues the reader uses, in Spanish: «descartar ... y luego elegir la opción más corta»."""
    return " y luego ".join(CUES[name].label for name in figures.cues)


def figures_line(slug: str, f: CueFigures) -> str:
    """One line of `flask courses quiz-cues`."""
    if not f.questions:
        return f"{slug}: 0 preguntas de una respuesta"
    points = round(f.excess * 100)
    if f.warns:
        verdict = f"+{points} puntos: AVISO, más de {round(MAX_EXCESS * 100)}"
    elif f.questions < MIN_QUESTIONS:
        verdict = f"{points:+d} puntos; menos de {MIN_QUESTIONS} preguntas, no avisa"
    else:
        verdict = f"{points:+d} puntos: bien"
    return (
        f"{slug}: {f.questions} preguntas de una respuesta · azar {percent(f.chance)} · "
        f"lector de forma {percent(f.reader)} ({verdict}) · correcta la más corta "
        f"{percent(f.shortest)}, la más larga {percent(f.longest)} · "
        f"palabras absolutas en correctas/incorrectas {f.absolute_right}/{f.absolute_wrong} · "
        f"matices {f.hedge_right}/{f.hedge_wrong} · "
        f"eco de la pregunta {f.echo_right} de {f.right_options} correctas/"
        f"{f.echo_wrong} de {f.wrong_options} incorrectas · "
        f"señales que usa: {describe_cues(f) or 'ninguna'}"
    )
