"""Running the third party's verifier (tests/credentials/verify.mjs) on files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from app.credentials import services
from app.credentials.contexts import FILES, FOLDER

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "verify.mjs"


def status_lists() -> dict[str, dict]:
    """Both signed status lists as served now, by URL (inside an app context)."""
    return {
        services.status_list_url(purpose): services.status_list_credential(purpose)
        for purpose in services.STATUS_PATHS
    }


def third_party_verify(tmp_path: Path, credential: dict, extra: dict[str, dict]) -> dict:
    """What Digital Bazaar's verifier says of CREDENTIAL, given EXTRA documents by URL."""
    (result,) = third_party_verify_all(tmp_path, [credential], extra)
    return result


def third_party_verify_all(tmp_path: Path, credentials: list[dict], extra: dict[str, dict]):
    """What Digital Bazaar's verifier says of each of CREDENTIALS, in one run of node."""
    node = shutil.which("node")
    assert node, "node is needed: scripts/install-system-deps.sh installs it"
    files = []
    for n, credential in enumerate(credentials):
        files.append(tmp_path / f"credential-{n}.json")
        files[-1].write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    args = [f"{url}={FOLDER / name}" for url, name in FILES.items()]
    for n, (url, document) in enumerate(extra.items()):
        path = tmp_path / f"document-{n}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        args.append(f"{url}={path}")
    done = subprocess.run(
        [node, str(SCRIPT), *map(str, files), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.strip().splitlines()]
    assert len(results) == len(credentials), done.stdout
    return results
