"""The HTML report as a student sees it: rendered by headless Chromium after its JavaScript ran.

pytest-html 4 builds the results table in the browser, so only a real browser
shows what is on screen: the score, each failure's two boxes (what is wrong,
what to do next) told once, the table in lab order with one duration format.
Skipped when Chromium is not installed (Debian package ``chromium``). Set
``KUBELAB_SCREENSHOT_DIR`` to keep the ko/en screenshots (see docs/report.md for
the command that regenerates docs/screenshots).
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
from pytest_kubelab.message_parts import split_message

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
    title: [document.title],
    score: text("#kl-score"),
    card_problem: text(".kl-card .kl-problem"),
    card_next: text(".kl-card .kl-next"),
    card_next_code: text(".kl-card .kl-next code"),
    card_diagnostics: text(".kl-card .kl-diag pre"),
    row_ids: text("#results-table td.col-checkpoint"),
    row_note: text("#results-table td.col-note"),
    row_detail: text("#results-table .extraHTML .kl-detail"),
    row_diagnostics: text("#results-table .extraHTML .kl-diag pre"),
    title_code: text("#results-table td.col-title code"),
    durations: text("#results-table td.col-duration"),
    duration_wrap: shown("#results-table td.col-duration").map(
      (el) => getComputedStyle(el).whiteSpace),
    environment: text("#environment"),
    table: text("#results-table"),
    cards: shown(".kl-card").map((el) => [el.id.replace(/^kl-/, ""),
      el.querySelector(".kl-problem").innerText, el.querySelector(".kl-next").innerText]),
    height: [String(document.documentElement.scrollHeight)],
  };
  const out = document.createElement("pre");
  out.id = "kl-probe";
  out.textContent = JSON.stringify(probe);
  document.body.appendChild(out);
}, 0));
</script>
"""

WIDTH = 1400
# Resolved when the module is imported, in the directory pytest was started from: the
# lab runs below change the working directory to a temporary copy of the project.
_KEEP = os.environ.get("KUBELAB_SCREENSHOT_DIR")
KEEP_DIR = Path(_KEEP).resolve() if _KEEP else None
WINDOW = f"--window-size={WIDTH},800"

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
    # The same window width as the screenshot, so the measured page height fits it.
    dom = _chromium(profile, WINDOW, "--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="kl-probe">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, "the report's page did not finish loading"
    data: dict[str, list[str]] = json.loads(html.unescape(found.group(1)))
    return data


def _screenshot(report: Path, profile: Path, name: str, height: int) -> Path:
    """A PNG of the whole page (headless Chromium shoots the window: size it to the page)."""
    shot = report.with_name(name)
    # At most the first 3600 px: the score and the first cards, what a student reads first.
    size = f"--window-size={WIDTH},{min(max(height, 800), 3600)}"
    _chromium(profile, size, "--hide-scrollbars", f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if KEEP_DIR is not None:
        KEEP_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, KEEP_DIR / name)
    return shot


# A fresh cluster (many failures, skipped checkpoints), a typo in the demo app's image
# (one cause, two failures it explains), wrong namespace labels in the cost lab (one
# failure with a fix command), and a crash-looping promtail (the previous container's log).
SCENARIOS = {
    "fresh": ("lab1_observability",),
    "obs-demo-imagepull": ("lab1_observability",),
    "cost-namespace-labels": ("lab1_kubecost",),
    "obs-promtail-crash": ("lab1_observability",),
}

DIAGNOSED = {"obs-demo-imagepull", "obs-promtail-crash"}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_failing_report_leads_to_the_fix(
    run_lab: Callable[..., Any], lab_copy: Path, scenario: str, lang: str
) -> None:
    run = run_lab(
        scenario,
        "--html=report.html",
        "--self-contained-html",
        "--lab-lang",
        lang,
        labs=SCENARIOS[scenario],
    )
    checkpoints = run.grade["checkpoints"]
    failing = [c for c in checkpoints if c["outcome"] == "failed"]
    report = lab_copy / "report.html"
    probe = _probe(report, lab_copy / "profile-probe")
    assert f"{run.grade['score']} / {run.grade['max_score']}" in probe["score"][0]
    assert render("report.score", lang) in probe["score"][0]
    # Only the lab that ran: its title, its rows.
    others = [c for c in ("관측성", "observability", "Kubecost") if c not in probe["title"][0]]
    assert len(others) >= 1
    assert probe["row_ids"] == [c["id"] for c in checkpoints]  # lab order, as the note says
    # Each card: what is wrong, then what to do (a command shown as code).
    assert len(probe["card_problem"]) == len(probe["card_next"]) == len(failing)
    first = split_message(_own_words(failing[0], lang))
    assert _words(first.problem) in _words(probe["card_problem"][0])
    if first.fix:
        assert _words(first.fix) in _words(probe["card_next"][0])
        assert _words(first.fix) not in _words(probe["card_problem"][0])
    else:
        assert _words(failing[0]["hint"]) in _words(probe["card_next"][0])
    assert probe["card_next_code"]
    # Each failure is told once, in its card; the table row points to the card instead.
    cards = {cid: (problem, todo) for cid, problem, todo in probe["cards"]}
    assert list(cards) == [c["id"] for c in failing]
    table = _words(probe["table"][0])
    for checkpoint in failing:
        parts = split_message(_own_words(checkpoint, lang))
        problem, todo = cards[checkpoint["id"]]
        assert _words(parts.problem) in _words(problem)
        assert _words(parts.fix) in _words(todo)
        assert _words(parts.problem) not in table, checkpoint["id"]
        assert not parts.fix or _words(parts.fix) not in table, checkpoint["id"]
    assert probe["row_diagnostics"] == []
    assert len(probe["row_detail"]) == len(failing)
    see = render("report.see_card_long", lang, id=failing[0]["id"])
    assert _words(see) in _words(probe["row_detail"][0])
    # Diagnostics where pods are the problem (none are installed on a fresh cluster, and
    # namespace labels are not about pods).
    assert bool(probe["card_diagnostics"]) == (scenario in DIAGNOSED)
    # One duration format, on one line, in both languages.
    assert probe["durations"] and all(re.fullmatch(r"\d+ ms", d) for d in probe["durations"])
    assert set(probe["duration_wrap"]) == {"nowrap"}
    assert probe["environment"] == []  # pytest's environment table is hidden
    if scenario == "cost-namespace-labels":
        assert "kubectl top nodes" in probe["title_code"]  # a title's backticks, as code
    if scenario == "obs-promtail-crash":
        assert any("too many open files" in d for d in probe["card_diagnostics"])
    shot = _screenshot(
        report, lab_copy / "profile-shot", f"report-{scenario}-{lang}.png", int(probe["height"][0])
    )
    assert shot.stat().st_size > 20_000


def _words(text: str) -> str:
    """Text as the browser shows it: no Markdown backticks, single spaces."""
    return " ".join(text.replace("`", "").split())


def _own_words(checkpoint: dict[str, Any], lang: str) -> str:
    """A failure's message without the sentence naming the earlier failure that explains it."""
    if not checkpoint["cause"]:
        return str(checkpoint["message"])
    because = render("cause.probably", lang, id=checkpoint["cause"], reason="").strip()
    return str(checkpoint["message"]).split(because)[0].strip()
