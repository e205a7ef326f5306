"""What one package tells the others, as blinker signals (the library Flask itself uses).

Senders do not know who listens; listeners are connected once, in `create_app`
(`app.completion.connect`, `app.certificates.services.connect`). So no package imports another
to call it back, and nothing is registered as a side effect of an import.

- `lesson_completed`: a lesson was marked done (kwargs: enrollment, course).
- `quiz_graded`: an attempt was graded (kwargs: enrollment, course, attempt).
- `course_completed`: an enrolment became complete (kwargs: enrollment, course).
- `certificate_issued`: a certificate was issued (kwargs: certificate, course).
- `certificate_attachments`: files to embed in a certificate's PDF (kwargs: certificate).
- `courses_published`: a publish raised the publish counter (kwargs: generation); this process
  reads it back as soon as it is committed (`app.course_store`).
- `version_published`: a version of a course became the published one and that is committed
  (kwargs: course_slug: str, revision_id: int); sent by `app.revisions` after the commit, for
  every publish path (`flask courses sync`, the workshop's publish and rollback, an admin's
  approval). Work that follows a publish (narration, books) is enqueued from here.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

lesson_completed = _signals.signal("lesson-completed")
quiz_graded = _signals.signal("quiz-graded")
course_completed = _signals.signal("course-completed")
# A certificate was issued (kwargs: certificate, course); credentials sign it.
certificate_issued = _signals.signal("certificate-issued")
# Files to embed in a certificate's PDF (kwargs: certificate); a receiver returns
# (file name, bytes, description) or None.
certificate_attachments = _signals.signal("certificate-attachments")
courses_published = _signals.signal("courses-published")
version_published = _signals.signal("version-published")
