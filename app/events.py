"""What one package tells the others, as blinker signals (the library Flask itself uses).

Senders do not know who listens; listeners are connected once, in `create_app`
(`app.completion.connect`, `app.certificates.services.connect`). So no package imports another
to call it back, and nothing is registered as a side effect of an import.

- `lesson_completed`: a lesson was marked done (kwargs: enrollment, course).
- `quiz_graded`: an attempt was graded (kwargs: enrollment, course, attempt).
- `course_completed`: an enrolment became complete (kwargs: enrollment, course).
- `courses_published`: a publish raised the publish counter (kwargs: generation); this process
  reads it back as soon as it is committed (`app.course_store`).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

lesson_completed = _signals.signal("lesson-completed")
quiz_graded = _signals.signal("quiz-graded")
course_completed = _signals.signal("course-completed")
courses_published = _signals.signal("courses-published")
