"""Take screenshots of the main pages at 1280 px and 360 px wide (for looking, not testing).

usage: .venv/bin/python scripts/screenshots.py BASE_URL OUT_DIR [USERNAME PASSWORD] [PATH ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    base, out = sys.argv[1], Path(sys.argv[2])
    username, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
    paths = sys.argv[5:] or ["/", "/cursos/"]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (1280, 360):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, base_url=base, locale="es-CL"
            )
            page = context.new_page()
            if username:
                page.goto("/ingresar")
                page.fill("#login", username)
                page.fill("#password", password)
                page.click("button[type=submit]:has-text('Ingresar')")
            for path in paths:
                page.goto(path)
                name = path.strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
