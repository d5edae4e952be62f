"""Checkpoint descriptions in the student's language.

Every checkpoint test of the three lab folders describes its checkpoint twice: the
docstring's first paragraph in English, its ``ko:`` paragraph in Korean
(:mod:`pytest_kubelab.description`). The Korean text is held to the language rules
of the message catalog (``test_language.py``): no English words outside the allowlist
and the lab's own resource names, particles that agree with the word before them;
the English text has no Hangul. A graded run puts the description of its language in
the grade JSON, the HTML report and the entries of checkpoints it never judged.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.catalog import render
from pytest_kubelab.description import Description, parse
from pytest_kubelab.hangul import PARTICLES, particle
from pytest_kubelab.spec import LabSpec, load_spec
from pytest_kubelab.specdoc import checkpoint_tests_of
from pytest_kubelab.specdoc import render as render_page

from .conftest import REPO
from .test_language import english_words

LabRun = Any  # conftest.LabRun (conftest modules are not importable under importlib mode)

FOLDERS = {
    "observability": REPO / "tests" / "lab1_observability",
    "kubecost": REPO / "tests" / "lab1_kubecost",
    "webapp": REPO / "examples" / "webapp_lab",
}
HANGUL = re.compile(r"[가-힣ㄱ-ㅎ]")
OBS = ("lab1_observability",)


def _spec(lab: str) -> LabSpec:
    return load_spec(FOLDERS[lab] / "lab.yaml")


def _descriptions(lab: str) -> dict[str, Description]:
    """Checkpoint id -> the descriptions its test's docstring gives."""
    return {cid: test.description for cid, test in checkpoint_tests_of(_spec(lab)).items()}


def _words(value: object) -> Iterator[str]:
    """Every word in the string leaves of ``lab.yaml``'s ``expected:`` values."""
    if isinstance(value, str):
        yield from re.findall(r"[A-Za-z]+", value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _words(item)
    elif isinstance(value, list):
        for item in value:
            yield from _words(item)


# Particle forms (longest first), each mapped to its pair: 이/가, 을/를, (으)로, 이며/며, …
_FORMS = {form: key for key, pair in PARTICLES.items() for form in pair}
_PARTICLE = re.compile(
    r"(?<![가-힣])(" + "|".join(sorted(_FORMS, key=len, reverse=True)) + r")(?![가-힣])"
)


def particle_errors(text: str) -> list[str]:
    """Particles right after a word that is not Hangul (``web-app을``, ``30080이``,
    ``Grafana(NodePort 30080)가``) that do not agree with that word's final sound.

    After Hangul the particle is part of the writer's own Korean and is not checked.
    """
    errors = []
    for match in _PARTICLE.finditer(text):
        before = text[: match.start()]
        if not before or before[-1].isspace():
            continue  # a word of its own (`가`, `로`), not a particle
        want = particle(_FORMS[match.group(1)], before)
        if want is not None and "(" not in want and want != match.group(1):
            errors.append(f"{text[max(0, match.start() - 30) : match.end()]!r}: want {want}")
    return errors


def test_parse_reads_the_first_paragraph_and_the_ko_paragraph() -> None:
    doc = (
        "Service web is NodePort\n30090 (``kubectl get svc``).\n\n"
        "A note for the lab's authors.\n\n"
        "ko: Service web이 NodePort\n30090으로 열려 있습니다."
    )
    found = parse(doc)
    assert found == Description(
        en="Service web is NodePort 30090 (`kubectl get svc`).",
        ko="Service web이 NodePort 30090으로 열려 있습니다.",
    )
    assert found.in_language("ko") == found.ko
    assert found.in_language("en") == found.en
    # Without a ko: paragraph a Korean run shows the English one.
    assert parse("Only English.").in_language("ko") == "Only English."
    # A docstring that starts in Korean has no English description.
    assert parse("ko: 한국어만.") == Description(en="", ko="한국어만.")
    assert parse(None) == parse("") == Description()


@pytest.mark.parametrize("lab", sorted(FOLDERS))
def test_every_checkpoint_is_described_in_english_and_korean(lab: str) -> None:
    for cid, description in _descriptions(lab).items():
        assert description.en, f"{cid}: no English first paragraph"
        assert description.ko, f"{cid}: no `ko:` paragraph"
        assert HANGUL.search(description.ko), f"{cid}: Korean description without Hangul"
        assert not HANGUL.search(description.en), f"{cid}: Hangul in English: {description.en}"
        assert "``" not in description.en + description.ko  # reST literals read as `code`


@pytest.mark.parametrize("lab", sorted(FOLDERS))
def test_korean_descriptions_follow_the_language_rules(lab: str) -> None:
    # The lab's own names (namespaces, releases, Deployments) are what the student sees.
    names = set(_words(dict(_spec(lab).expected)))
    for cid, description in _descriptions(lab).items():
        english = english_words(description.ko) - names
        assert not english, f"{cid}: English in Korean text: {sorted(english)}"
        assert not particle_errors(description.ko), f"{cid}: {particle_errors(description.ko)}"


def test_the_particle_check_catches_wrong_particles() -> None:
    assert particle_errors("Deployment web-app를 봅니다")
    assert particle_errors("NodePort 30080로 열려 있습니다")
    assert particle_errors("Grafana(NodePort 30080)이 응답합니다")
    assert not particle_errors("Grafana(NodePort 30080)가 응답합니다, 30082로, loki를")
    assert not particle_errors("노드가 Ready 상태이고 로그가 나옵니다")


@pytest.mark.parametrize("lab", sorted(FOLDERS))
def test_spec_pages_show_both_descriptions_as_the_report_does(lab: str) -> None:
    page = render_page(_spec(lab))
    for description in _descriptions(lab).values():
        assert f"\nDescription: {description.en}\n" in page
        assert f"\n설명: {description.ko}\n" in page


def _description_cells(page: str) -> list[str]:
    """The descriptions under the titles of the report's table, as text."""
    # pytest-html keeps the rows as JSON (non-ASCII as \\u escapes) in an attribute.
    found = re.search(r'data-jsonblob="([^"]*)"', page)
    assert found is not None, "no pytest-html data in the page"
    blob = json.loads(html.unescape(found.group(1)))
    rows = [
        cell for runs in blob["tests"].values() for run in runs for cell in run["resultsTableRow"]
    ]
    cells = re.findall(r'<div class="kl-description">(.*?)</div>', "".join(rows))
    return [html.unescape(re.sub(r"</?code>", "`", cell)) for cell in cells]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_graded_run_describes_in_its_language(
    run_lab: Callable[..., LabRun], lab_copy: Path, lang: str
) -> None:
    args = ["--html=report.html", "--self-contained-html", "-m", "step1 or step5"]
    if lang == "en":
        args += ["--lab-lang", "en"]
    run = run_lab("obs-demo-imagepull", *args, labs=OBS)
    expected = {cid: d.in_language(lang) for cid, d in _descriptions("observability").items()}
    entries = run.grade["checkpoints"]
    assert len(entries) == 7 and {c["outcome"] for c in entries} >= {"passed", "failed"}
    for entry in entries:
        assert entry["description"] == expected[entry["id"]]
    cells = _description_cells((lab_copy / "report.html").read_text(encoding="utf-8"))
    assert sorted(cells) == sorted(c["description"] for c in entries)
    korean = [cell for cell in cells if HANGUL.search(cell)]
    assert len(korean) == (len(cells) if lang == "ko" else 0)


def test_checkpoints_never_judged_are_described(run_lab: Callable[..., LabRun]) -> None:
    # -x stops at the first failure (obs.2.release on a fresh cluster): the grade file
    # lists every other selected checkpoint as not judged, described from collection.
    run = run_lab("fresh", "-x", labs=OBS)
    assert run.grade["complete"] is False
    expected = {cid: d.ko for cid, d in _descriptions("observability").items()}
    not_judged = render("grade.not_judged", "ko")
    unjudged = [c for c in run.grade["checkpoints"] if c["message"] == not_judged]
    assert len(unjudged) == len(expected) - 4  # the three of step 1 passed, then one failed
    assert all(c["outcome"] == "skipped" for c in unjudged)
    for entry in run.grade["checkpoints"]:
        assert entry["description"] == expected[entry["id"]]
