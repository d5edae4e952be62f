"""The HTML report as a student sees it: rendered by headless Chromium after its JavaScript ran.

pytest-html 4 builds the results table in the browser, so only a real browser
shows whether the score, a failed checkpoint's hint and its diagnostics are on
screen. Skipped when Chromium is not installed (Debian package ``chromium``).
Set ``KUBELAB_SCREENSHOT_DIR`` to keep the ko/en screenshots (docs/screenshots).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.catalog import render

CHROMIUM = os.environ.get("KUBELAB_CHROMIUM") or shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Appended to a copy of the report: after pytest-html's script has built the page,
# record which parts are really displayed, for --dump-dom to carry out.
PROBE = """
<script>
window.addEventListener("load", () => setTimeout(() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].filter(
    (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden");
  const text = (sel) => shown(sel).map((el) => el.innerText);
  const probe = {
    score: text("#kl-score"),
    card_hint: text(".kl-card .kl-hint"),
    card_diagnostics: text(".kl-card .kl-diag pre"),
    row_hint: text("#results-table td.col-hint"),
    row_diagnostics: text("#results-table .extraHTML .kl-diag pre"),
    environment: text("#environment"),
  };
  const out = document.createElement("pre");
  out.id = "kl-probe";
  out.textContent = JSON.stringify(probe);
  document.body.appendChild(out);
}, 0));
</script>
"""

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _chromium(profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    profile.mkdir(exist_ok=True)
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _probe(report: Path, profile: Path) -> dict[str, list[str]]:
    probed = report.with_name("probe.html")
    probed.write_text(report.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    dom = _chromium(profile, "--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="kl-probe">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, "the report's page did not finish loading"
    data: dict[str, list[str]] = json.loads(html.unescape(found.group(1)))
    return data


def _screenshot(report: Path, profile: Path, name: str) -> Path:
    shot = report.with_name(name)
    _chromium(profile, "--window-size=1400,2400", f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("KUBELAB_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / name)
    return shot


@pytest.mark.parametrize(
    ("scenario", "lang"),
    [
        ("worker-notready", "ko"),
        ("worker-notready", "en"),
        ("obs-grafana-crashloop", "ko"),
        ("obs-grafana-crashloop", "en"),
    ],
)
def test_failing_report_shows_score_hint_and_diagnostics(
    run_lab: Callable[..., Any], lab_copy: Path, scenario: str, lang: str
) -> None:
    run = run_lab(
        scenario,
        "--html=report.html",
        "--self-contained-html",
        "--lab-lang",
        lang,
        labs=("lab1_observability",),
    )
    first_failed = next(c for c in run.grade["checkpoints"] if c["outcome"] == "failed")
    report = lab_copy / "report.html"
    probe = _probe(report, lab_copy / "profile-probe")
    assert probe["score"]
    assert f"{run.grade['score']} / {run.grade['max_score']}" in probe["score"][0]
    assert render("report.score", lang) in probe["score"][0]
    assert _words(first_failed["hint"]) in _words(probe["card_hint"][0])
    assert probe["card_diagnostics"]
    assert probe["row_diagnostics"]
    assert any(_words(first_failed["hint"]) in _words(text) for text in probe["row_hint"])
    assert probe["environment"] == []  # pytest's environment table is hidden
    shot = _screenshot(report, lab_copy / "profile-shot", f"report-{scenario}-{lang}.png")
    assert shot.stat().st_size > 20_000


def _words(text: str) -> str:
    """Text as the browser shows it: no Markdown backticks, single spaces."""
    return " ".join(text.replace("`", "").split())
