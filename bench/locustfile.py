"""Locust scenario of bench/load_test.py: participants log in, read, complete, take quizzes.

Each simulated participant logs in with its own pre-created bench account (bench-pNNNNN), picks
a course it has not completed, and goes through it lesson by lesson: reads the lesson, marks it
done, starts the lesson's quiz and submits correct answers; one submission in four is sent twice
at the same moment on purpose (two greenlets, same attempt). Finishing a course issues a
certificate. Environment: BENCH_PASSWORD, BENCH_FIRST_USER (number of the first account),
LOAD_SUMMARY (JSON file written at the end with the count of 5xx responses).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.content import CourseStore  # noqa: E402 - pure Python, no Flask
from app.quizzes.sample_answers import answers_as_form, sample_answers  # noqa: E402

STORE = CourseStore(
    ROOT / "courses",
    cache_dir=Path(os.environ.get("BENCH_COURSE_CACHE", tempfile.mkdtemp())),
    base_url="/cursos/",
)
STORE.load()
COURSES = STORE.published()
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-contrasena-no-secreta")
NUMBERS = itertools.count(int(os.environ.get("BENCH_FIRST_USER", "1")))
COUNTS = {"5xx": 0, "requests": 0, "double_submits": 0, "quizzes_submitted": 0, "lessons": 0}
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@events.request.add_listener
def _count(response=None, **_kwargs):
    COUNTS["requests"] += 1
    if response is not None and getattr(response, "status_code", 0) >= 500:
        COUNTS["5xx"] += 1


@events.quitting.add_listener
def _write_summary(**_kwargs):
    path = os.environ.get("LOAD_SUMMARY")
    if path:
        Path(path).write_text(json.dumps(COUNTS))


class Participant(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.username = f"bench-p{next(NUMBERS):05d}"
        self.client.headers["User-Agent"] = "aula-load"
        page = self.client.get("/ingresar", name="/ingresar")
        token = TOKEN.search(page.text).group(1)
        with self.client.post(
            "/ingresar",
            data={"login": self.username, "password": PASSWORD, "csrf_token": token},
            name="/ingresar [POST]",
            catch_response=True,
        ) as response:
            if "/mis-cursos" not in response.url and "Mis cursos" not in response.text:
                response.failure("login failed")
        self.token = token
        self.course = random.choice(COURSES)
        self.lesson_index = 0

    def _token_from(self, html: str) -> None:
        match = TOKEN.search(html)
        if match:
            self.token = match.group(1)

    @task
    def next_step(self):
        course = self.course
        if self.lesson_index >= len(course.lessons):
            self.client.get("/mis-cursos", name="/mis-cursos")
            self.course = random.choice(COURSES)
            self.lesson_index = 0
            return
        lesson = course.lessons[self.lesson_index]
        base = f"/cursos/{course.slug}/{lesson.slug}"
        page = self.client.get(base, name="/cursos/[course]/[lesson]")
        self._token_from(page.text)
        self.client.post(
            base + "/completar",
            data={"csrf_token": self.token},
            name="/cursos/[course]/[lesson]/completar",
        )
        COUNTS["lessons"] += 1
        for quiz_id in lesson.quiz_ids:
            self.take_quiz(course, course.quizzes[quiz_id])
        self.lesson_index += 1

    def take_quiz(self, course, quiz):
        started = self.client.post(
            f"/cursos/{course.slug}/pruebas/{quiz.id}/intentos",
            data={"csrf_token": self.token},
            name="/cursos/[course]/pruebas/[quiz]/intentos",
        )
        match = re.search(r"/intentos/(\d+)", started.url)
        if not match:
            return
        attempt = f"/intentos/{match.group(1)}"
        answers = answers_as_form(quiz, sample_answers(quiz, random.Random(), 1.0))
        data = {**answers, "csrf_token": self.token, "accion": "enviar"}
        name = "/intentos/[id] [submit]"
        if random.random() < 0.25:
            COUNTS["double_submits"] += 1
            jobs = [gevent.spawn(self.client.post, attempt, data=data, name=name) for _ in range(2)]
            gevent.joinall(jobs)
        else:
            self.client.post(attempt, data=data, name=name)
        COUNTS["quizzes_submitted"] += 1
