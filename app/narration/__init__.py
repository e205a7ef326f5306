"""Lesson narration made on publish: its records, the jobs that make it, what pages offer.

When a version of a course is published (`version_published`), a job lists every reading of
every lesson (full text and easy-read version) and enqueues one job per text not narrated yet,
keyed by the hash of its text and voice (`app.content.narration.clip_key`). The worker
synthesises it with espeak-ng and stores the audio in the database, content-addressed beside the
course files (`course_blobs`), so every host serves it. A trainer's recording comes first.
"""
