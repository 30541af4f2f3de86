"""Headless Chromium for tests that check what a reader of a page sees.

`render_probe` loads a copy of a page with a probe script appended (the page itself has no
script), lets Chromium lay it out, and returns what the probe measured: the document title, the
visible text, every inline chart with the count of data marks that have drawn geometry, and every
resource the page loaded (it should load none).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")

PROBE = """
<script>
window.addEventListener('load', () => {
  const drawn = (mark) => {
    const box = mark.getBBox();
    return box.width > 0 || box.height > 0;
  };
  const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
    const section = svg.closest('section[id]');
    const marks = [...svg.querySelectorAll('.mark')];
    const rect = svg.getBoundingClientRect();
    return {
      section: section ? section.id : null,
      kind: [...svg.classList].find((name) => name.startsWith('chart-')),
      title: svg.querySelector('title') ? svg.querySelector('title').textContent : null,
      marks: marks.length,
      drawn_marks: marks.filter(drawn).length,
      gaps: svg.querySelectorAll('.gap').length,
      width: rect.width,
      height: rect.height,
    };
  });
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = JSON.stringify({
    title: document.title,
    text: document.body.innerText,
    charts: charts,
    resources: performance.getEntriesByType('resource').map((entry) => entry.name),
  });
  document.body.appendChild(probe);
});
</script>
"""


def find_chromium() -> str:
    """The Chromium binary; skips the test when there is none (fails instead when CI is set)."""
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    reason = "headless Chromium is not installed (looked for: " + ", ".join(CANDIDATES) + ")"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def dump_dom(page: Path, profile_dir: Path, *, timeout: float = 120) -> str:
    result = subprocess.run(
        [
            find_chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--no-first-run",
            f"--user-data-dir={profile_dir}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"chromium failed:\n{result.stderr[-2000:]}"
    return result.stdout


def render_probe(page: Path, work_dir: Path) -> dict[str, Any]:
    """Render a probed copy of `page` (kept beside it, so relative links resolve the same)."""
    html = page.read_text(encoding="utf-8")
    assert "</body>" in html
    probed = page.with_name(f".probe-{page.name}")
    probed.write_text(html.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    try:
        dom = dump_dom(probed, work_dir / "chromium-profile")
    finally:
        probed.unlink(missing_ok=True)
    start = dom.index('<pre id="probe">') + len('<pre id="probe">')
    return json.loads(unescape(dom[start : dom.index("</pre>", start)]))
