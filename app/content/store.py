"""Keep the last good version of every course in memory, backed by a pickle cache on disk."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .bounded import load_course_files_bounded
from .loader import (
    course_folders,
    course_version,
    files_version,
    list_files,
    load_course_files,
    load_many,
)
from .model import Course, Problem
from .textutil import strip_accents

log = logging.getLogger(__name__)

RECENT_DRAFTS = 32  # drafts' check results kept in memory (load_files)

# Bump when the model or the rendering changes, so old pickles are ignored. 5: easy-read quizzes
# paired by the id of the quiz block in the same place (the problems of some refused versions).
CACHE_FORMAT = 5
# The check of a version that does not load (its problems only): <slug>-<version>.errors.pickle.
REFUSED_SUFFIX = ".errors.pickle"

Fingerprint = tuple[tuple[str, int, int], ...]
# A course published from a stored revision: its version and how to read its files (called
# only when this process does not have that version yet); None when the course is withdrawn.
Published = tuple[str, Callable[[], Mapping[str, bytes]]] | None


def fingerprint(folder: Path) -> Fingerprint:
    """Names, mtimes and sizes of every file: cheap to compute, changes when a file does."""
    out = []
    for rel in list_files(folder):
        try:
            st = (folder / rel).stat()
        except OSError:
            continue
        out.append((rel, st.st_mtime_ns, st.st_size))
    return tuple(out)


class CourseStore:
    """Courses by slug; a course that breaks keeps serving its last good version."""

    def __init__(
        self,
        source_dir: Path,
        cache_dir: Path | None = None,
        base_url: str = "/cursos/",
        *,
        workers: int | None = None,
        check_timeout: float | None = None,
    ) -> None:
        self.source_dir = Path(source_dir)
        # Drafts (load_files) are checked in a child process stopped after this many seconds;
        # None checks them in this process, unbounded (the command line, tests of the engine).
        self.check_timeout = check_timeout
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.base_url = base_url
        self.workers = workers  # processes for parsing many courses; None = one per CPU
        self._lock = threading.Lock()
        self._courses: dict[str, Course] = {}  # what is served: folders, then stored revisions
        self._folder_courses: dict[str, Course] = {}
        self._stored: dict[str, Course | None] = {}  # from the database; None: withdrawn
        self._published: list[Course] = []
        self._fingerprints: dict[str, Fingerprint] = {}
        self._problems: dict[str, tuple[Problem, ...]] = {}
        self._old_versions: dict[tuple[str, str], Course | None] = {}  # records of old versions
        # Drafts checked lately (load_files), by (slug, version), errors included.
        self._recent: OrderedDict[tuple[str, str], tuple[Course | None, tuple[Problem, ...]]]
        self._recent = OrderedDict()
        # Media bytes of every loaded version, by SHA-256: a page is served the media of the
        # version it shows, never whatever the live folder holds now.
        self.blob_dir = (
            self.cache_dir / "media" if self.cache_dir is not None else Path(tempfile.mkdtemp())
        )
        self.cache_hits = 0  # how many courses the last sync took from the pickle cache
        self.generation = 0  # grows whenever a sync changes any course (for page caches)

    # --- lookups (plain dict reads) ------------------------------------------------------------
    def get(self, slug: str) -> Course | None:
        """The last good version of a course, or None."""
        return self._courses.get(slug)

    def folder_course(self, slug: str) -> Course | None:
        """The last good version of SLUG's folder (what `flask courses sync` records)."""
        return self._folder_courses.get(slug)

    def all(self) -> list[Course]:
        """Every loaded course, drafts included, sorted by title."""
        return sorted(self._courses.values(), key=_title_key)

    def published(self) -> list[Course]:
        """Published courses sorted by title."""
        return list(self._published)

    def get_version(self, slug: str, version: str) -> Course | None:
        """A course as it was at VERSION (current, or from the cache); None if unknown."""
        current = self._courses.get(slug)
        if current is not None and current.version == version:
            return current
        key = (slug, version)
        if key not in self._old_versions:
            cached = self._read_cache(slug, version)
            self._old_versions[key] = cached[0] if cached else None
        return self._old_versions[key]

    def remember_version(
        self, slug: str, version: str, files: Mapping[str, bytes]
    ) -> Course | None:
        """Load an old VERSION of SLUG from its files (a stored revision) for get_version."""
        course, _found = self.load_files(slug, files)
        if course is not None and course.version != version:
            course = None
        self._old_versions[(slug, version)] = course
        return course

    def media_path(self, course: Course, rel: str) -> Path | None:
        """The stored bytes of media file REL as they were in COURSE's version, or None."""
        digest = course.media_hashes.get(rel)
        if digest is None:
            return None
        path = self._blob_path(digest)
        return path if path.is_file() else None

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Problems found by the last load or refresh."""
        return tuple(p for slug in sorted(self._problems) for p in self._problems[slug])

    # --- loading -------------------------------------------------------------------------------
    def load(self) -> CourseStore:
        """Load every course (from the cache when its version is already there)."""
        self._sync(force=True)
        return self

    def refresh(self) -> list[str]:
        """Reload only course folders whose files changed; return their slugs."""
        return self._sync(force=False)

    def _sync(self, *, force: bool) -> list[str]:
        with self._lock:
            courses = dict(self._folder_courses)
            fingerprints = dict(self._fingerprints)
            problems = dict(self._problems)
            self.cache_hits = 0
            changed: list[str] = []
            folders = {f.name: f for f in course_folders(self.source_dir)}
            for slug in list(courses) + list(problems):
                if slug not in folders:
                    courses.pop(slug, None)
                    problems.pop(slug, None)
                    fingerprints.pop(slug, None)
                    changed.append(slug)
            to_load: list[Path] = []
            for slug, folder in folders.items():
                try:
                    fp = fingerprint(folder)
                except OSError:
                    continue
                if not force and fingerprints.get(slug) == fp:
                    continue
                changed.append(slug)
                fingerprints[slug] = fp
                to_load.append(folder)
            for folder, (course, found) in zip(to_load, self._load_folders(to_load), strict=True):
                slug = folder.name
                problems[slug] = tuple(found)
                if course is not None:
                    courses[slug] = course
                    self._keep_media(folder, course)
                    if course.status == "published":
                        self._write_latest(course)
                elif slug not in courses:
                    fallback = self._read_latest(slug)
                    if fallback is not None:
                        courses[slug] = fallback
            if not self.source_dir.is_dir():
                problems[""] = (
                    Problem(
                        self.source_dir.as_posix(), 0, "error", "no existe la carpeta", "no-root"
                    ),
                )
            else:
                problems.pop("", None)
            self._folder_courses = courses
            self._fingerprints = fingerprints
            self._problems = problems
            self._merge()
            if changed:
                self.generation += 1
            return sorted(set(changed))

    def _merge(self) -> None:
        """Serve each course from its stored revision when the database has one, else from its
        folder (a course withdrawn in the database is not served, whatever its folder holds)."""
        courses = dict(self._folder_courses)
        for slug, course in self._stored.items():
            if course is None:
                courses.pop(slug, None)
            else:
                courses[slug] = course
        self._courses = courses
        self._published = sorted(
            (c for c in courses.values() if c.status == "published"), key=_title_key
        )

    # --- published revisions (the database) ----------------------------------------------------
    def apply_published(self, published: Mapping[str, Published]) -> list[str]:
        """Serve the courses named in PUBLISHED from their stored revisions (every course the
        database knows; the others keep their folder). Returns the slugs whose served version
        changed. A revision this process cannot load keeps the version it served before."""
        with self._lock:
            stored = dict(self._stored)
            changed = []
            for slug in set(stored) - set(published):
                del stored[slug]
                changed.append(slug)
            for slug, entry in published.items():
                current = stored.get(slug, False)
                if entry is None:
                    if current is not None:
                        stored[slug] = None
                        changed.append(slug)
                    continue
                version, read_files = entry
                if current and current.version == version:
                    continue
                course = self._stored_course(slug, version, read_files)
                if course is not None:
                    stored[slug] = course
                    changed.append(slug)
            if not changed:
                return []
            self._stored = stored
            self._merge()
            self.generation += 1
            return sorted(changed)

    def _stored_course(
        self, slug: str, version: str, read_files: Callable[[], Mapping[str, bytes]]
    ) -> Course | None:
        cached = self._read_cache(slug, version)
        files: Mapping[str, bytes] | None = None
        if cached is not None:
            course = cached[0]
        else:
            files = read_files()
            course, found = load_course_files(slug, files, base_url=self.base_url)
            if course is None:
                log.error("stored revision %s of %s does not load: %s", version, slug, found[:3])
                return None
            self._write_cache(course, found)
        if any(not self._blob_path(d).is_file() for d in course.media_hashes.values()):
            self._keep_media_bytes(course, files if files is not None else read_files())
        # Publishing a revision is what makes it public, whatever its course.md says.
        return replace(course, status="published") if course.status != "published" else course

    def load_files(
        self, slug: str, files: Mapping[str, bytes], version: str | None = None
    ) -> tuple[Course | None, list[Problem]]:
        """Load a course from files in memory (a draft), through the parsed-course caches: the
        last few results in memory (with errors too: a save and the page after it check the same
        files), then the pickles of good versions. VERSION, when the caller knows it (a stored
        revision's), saves hashing every file again."""
        key = (slug, version or files_version(files))
        with self._lock:
            recent = self._recent.get(key)
            if recent is not None:
                self._recent.move_to_end(key)
                return recent[0], list(recent[1])
        result = self._read_cache(*key)
        if result is None:
            result = self._read_refused(*key)
        if result is None:
            if self.check_timeout is None:
                course, found = load_course_files(slug, files, base_url=self.base_url)
            else:
                course, found = load_course_files_bounded(
                    slug, files, base_url=self.base_url, timeout=self.check_timeout
                )
            if course is not None:
                self._write_cache(course, found)
                self._keep_media_bytes(course, files)
            elif not any(p.code == "check-timeout" for p in found):  # a slow moment is no verdict
                self._write_refused(key[0], key[1], found)
            result = (course, found)
        with self._lock:
            self._recent[key] = (result[0], tuple(result[1]))
            while len(self._recent) > RECENT_DRAFTS:
                self._recent.popitem(last=False)
        return result[0], list(result[1])

    def _load_folders(self, folders: list[Path]) -> list[tuple[Course | None, list[Problem]]]:
        """Take each folder's version from the cache, parse the rest (in parallel if many)."""
        results: dict[Path, tuple[Course | None, list[Problem]]] = {}
        to_parse = []
        for folder in folders:
            try:
                version = course_version(folder, list_files(folder))
            except OSError:
                version = ""
            cached = self._read_cache(folder.name, version) if version else None
            if cached is not None:
                self.cache_hits += 1
                results[folder] = cached
            else:
                to_parse.append(folder)

        def store(folder: Path, result: tuple[Course | None, list[Problem]]) -> None:
            # Called as each course is ready, so pickles are written while others still parse.
            course, found = result
            if course is not None:
                self._write_cache(course, found)
            results[folder] = (course, found)

        if to_parse:
            load_many(to_parse, self.source_dir, self.base_url, self.workers, on_result=store)
        return [results[folder] for folder in folders]

    # --- pickle cache --------------------------------------------------------------------------
    def _pickle_path(self, slug: str, version: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{slug}-{version}.pickle"

    def _read_cache(self, slug: str, version: str) -> tuple[Course, list[Problem]] | None:
        path = self._pickle_path(slug, version)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                # Our own cache directory, written only by this code: not untrusted input.
                data: Any = pickle.load(fh)  # noqa: S301 # nosec B301
        except Exception:  # noqa: BLE001 - a bad cache file just means parsing again
            log.warning("ignoring unreadable course cache %s", path)
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("base_url") != self.base_url
            or not isinstance(data.get("course"), Course)
        ):
            return None
        return data["course"], list(data.get("problems", ()))

    def _read_latest(self, slug: str) -> Course | None:
        if self.cache_dir is None:
            return None
        try:
            version = (self.cache_dir / f"{slug}.latest").read_text("utf-8").strip()
        except OSError:
            return None
        cached = self._read_cache(slug, version)
        return cached[0] if cached else None

    def _write_cache(self, course: Course, problems: list[Problem]) -> None:
        path = self._pickle_path(course.slug, course.version)
        if path is None or self.cache_dir is None:
            return
        payload = {
            "format": CACHE_FORMAT,
            "base_url": self.base_url,
            "course": course,
            "problems": tuple(problems),
        }
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
            # Older versions stay: attempts started on them are graded against them.
        except OSError:
            log.warning("could not write course cache for %s", course.slug, exc_info=True)

    def _refused_path(self, slug: str, version: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{slug}-{version}{REFUSED_SUFFIX}"

    def _read_refused(self, slug: str, version: str) -> tuple[None, list[Problem]] | None:
        """The problems of a version that does not load (a draft with errors), as another
        process checked it: without this, every worker checked such a draft again (issue 25)."""
        path = self._refused_path(slug, version)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                data: Any = pickle.load(fh)  # noqa: S301 # nosec B301 - our own cache directory
        except Exception:  # noqa: BLE001 - a bad cache file just means checking again
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("base_url") != self.base_url
        ):
            return None
        return None, list(data.get("problems", ()))

    def _write_refused(self, slug: str, version: str, problems: list[Problem]) -> None:
        path = self._refused_path(slug, version)
        if path is None or self.cache_dir is None:
            return
        payload = {"format": CACHE_FORMAT, "base_url": self.base_url, "problems": tuple(problems)}
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            log.warning("could not write the check of %s", slug, exc_info=True)

    def prune_cache(self, keep: set[tuple[str, str]]) -> tuple[int, int]:
        """Delete the pickles of versions not in KEEP ((slug, version): the revisions still
        stored) nor loaded in this process nor any course's last published version: a pickle is
        written for every version checked, drafts included (20 saves left 7.3 MB; issue 25).
        Returns (files deleted, bytes freed)."""
        if self.cache_dir is None or not self.cache_dir.is_dir():
            return 0, 0
        keep = set(keep)
        with self._lock:
            loaded = [*self._courses.values(), *self._folder_courses.values()]
        keep.update((course.slug, course.version) for course in loaded)
        for latest in self.cache_dir.glob("*.latest"):
            try:
                keep.add((latest.name[: -len(".latest")], latest.read_text("utf-8").strip()))
            except OSError:
                continue
        files = freed = 0
        for path in self.cache_dir.glob("*.pickle"):
            suffix = REFUSED_SUFFIX if path.name.endswith(REFUSED_SUFFIX) else ".pickle"
            slug, _dash, version = path.name[: -len(suffix)].rpartition("-")
            if (slug, version) in keep:
                continue
            try:
                size = path.stat().st_size
                path.unlink()
            except OSError:
                continue
            files += 1
            freed += size
        return files, freed

    def _write_latest(self, course: Course) -> None:
        """Record COURSE as the last published version (the fallback when the folder breaks).

        Written on every load, cache hits included: going back to a version that is already
        cached must move the fallback too. Drafts never become the fallback.
        """
        if self.cache_dir is None:
            return
        latest = self.cache_dir / f"{course.slug}.latest"
        try:
            if latest.is_file() and latest.read_text("utf-8").strip() == course.version:
                return
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(latest, course.version.encode("utf-8"))
        except OSError:
            log.warning("could not record the latest version of %s", course.slug, exc_info=True)

    # --- media blobs ---------------------------------------------------------------------------
    def _blob_path(self, digest: str) -> Path:
        return self.blob_dir / digest[:2] / digest

    def _keep_media_bytes(self, course: Course, files: Mapping[str, bytes]) -> None:
        """Keep this version's media in the blob store from the files in memory."""
        for rel, digest in course.media_hashes.items():
            path = self._blob_path(digest)
            data = files.get(rel)
            if path.is_file() or data is None:
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(path, data)
            except OSError:
                log.warning("could not keep media %s of %s", rel, course.slug, exc_info=True)

    def _keep_media(self, folder: Path, course: Course) -> None:
        """Copy this version's media into the blob store (once per distinct content)."""
        for rel, digest in course.media_hashes.items():
            path = self._blob_path(digest)
            if path.is_file():
                continue
            try:
                data = (folder / rel).read_bytes()
            except OSError:
                continue
            # The file changed since the version was read: that is another version's content.
            if hashlib.sha256(data).hexdigest() != digest:
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(path, data)
            except OSError:
                log.warning("could not keep media %s of %s", rel, course.slug, exc_info=True)


def _atomic_write(path: Path, data: bytes) -> None:
    # Write to a temp file in the same folder, then rename: readers never see half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            # No fsync: this is a cache; a file lost in a crash is simply rebuilt, and fsync made
            # a cold load of 100 courses seconds slower.
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _title_key(course: Course) -> tuple[str, str]:
    return strip_accents(course.title).casefold(), course.slug
