"""The files of a course folder: listed, read and hashed (a course version), links kept inside."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path


def course_version(folder: Path, files: list[str] | None = None) -> str:
    """Hash every file of the course folder (sorted relative paths and bytes); 12 hex chars."""
    digest = hashlib.sha256()
    for rel in files if files is not None else list_files(folder):
        _add_file(digest, rel, (folder / rel).read_bytes())
    return digest.hexdigest()[:12]


def read_folder(folder: Path, files: list[str] | None = None) -> dict[str, bytes]:
    """The files of a course folder in memory: {relative posix path: bytes} (see list_files)."""
    return {rel: (folder / rel).read_bytes() for rel in (files or list_files(folder))}


def _add_file(digest, rel: str, data: bytes) -> None:
    # A course version hashes each file's relative path, size and bytes, in path order.
    digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
    digest.update(data)


def files_version(files: Mapping[str, bytes]) -> str:
    """course_version() of files held in memory ({relative path: bytes}), e.g. a revision's."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        _add_file(digest, rel, files[rel])
    return digest.hexdigest()[:12]


def list_files(folder: Path) -> list[str]:
    """Every regular file under folder, as sorted relative posix paths.

    A symlink whose target resolves outside the folder is never listed (so never hashed, read
    or served): `escaping_links` names them for the checker.
    """
    out = []
    inside = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath)
        for name in filenames:
            path = base / name
            if path.is_symlink() and not within(path, inside):
                continue
            if path.is_file():
                out.append(path.relative_to(folder).as_posix())
    return sorted(out)


def within(path: Path, folder: Path) -> bool:
    """True when PATH, with every symlink followed, is inside the (resolved) FOLDER."""
    try:
        path.resolve().relative_to(folder)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def escaping_links(folder: Path) -> list[str]:
    """Relative paths of symlinks under folder (files or folders) that point outside it."""
    out = []
    inside = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            if path.is_symlink() and not within(path, inside):
                out.append(path.relative_to(folder).as_posix())
    return sorted(out)
