"""Course content engine: parse, check, render and grade course folders (no Flask, no DB)."""

from .grading import (
    QuestionResult,
    QuizResult,
    display_order,
    grade_answers,
    grade_question,
    normalize_text_answer,
    read_posted_answers,
    shuffled_order,
)
from .loader import check_paths, course_version, load_course, load_courses
from .model import (
    Block,
    CompletionRule,
    Course,
    HtmlBlock,
    Lesson,
    LoadResult,
    Media,
    Option,
    Problem,
    Question,
    Quiz,
    QuizBlock,
)
from .problems import format_problems
from .store import CourseStore

__all__ = [
    "Block",
    "CompletionRule",
    "Course",
    "CourseStore",
    "HtmlBlock",
    "Lesson",
    "LoadResult",
    "Media",
    "Option",
    "Problem",
    "Question",
    "QuestionResult",
    "Quiz",
    "QuizBlock",
    "QuizResult",
    "check_paths",
    "course_version",
    "display_order",
    "format_problems",
    "grade_answers",
    "grade_question",
    "load_course",
    "load_courses",
    "normalize_text_answer",
    "read_posted_answers",
    "shuffled_order",
]
