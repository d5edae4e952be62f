"""Masking at the source and neutral text, in all four outputs.

Cluster data is hostile in ``fault-secrets-in-text``: an Event, a container's waiting
message, a log tail and a NodePort page carry credentials in every form the issue lists
and terminal escape sequences. None of the values may appear in the terminal, the grade
JSON, the HTML report or the JUnit XML, no raw control character or bidi override may
appear in any output of any scenario, and the hostile text must still be *shown* (made
visible), so the student sees what the cluster said.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_kubelab.catalog import messages
from pytest_kubelab.redact import MASK, Redactor, neutral
from pytest_kubelab.sim.scenario import available_scenarios, load_scenario

from .conftest import LabRun

RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

# Every credential value planted in fault-secrets-in-text (and the known Secret's forms).
HOSTILE_SECRETS = (
    "Url-Pa55w0rd-7731",
    "Flag-S3cret-9921",
    "Env-S3cret-4417",
    "Json-Quoted-Token-5521",
    "Log-Url-Pa55-6620",
    "Log-Flag-S3cret-3318",
    "Log-Env-S3cret-8842",
    "TG9nLUJhc2ljLVNlY3JldC0xMjM0",
    "eyJhbGciOiJSUzI1NiJ9",
    "Db-S3cr3t/p@ss+w0rd!",
    "Db-S3cr3t%2Fp%40ss%2Bw0rd%21",
    "RGItUzNjcjN0L3BAc3MrdzByZCE=",
    "Page-Token-7402",
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('{"Authorization": "Bearer Json-Quoted-1234"}', "Json-Quoted-1234"),
        ("'authorization': 'Basic dXNlcjpwYXNzd29yZA=='", "dXNlcjpwYXNzd29yZA"),
        ("Authorization=token abcdefghi", "abcdefghi"),
        ("AUTHORIZATION: Negotiate YIIBhwYGKwYB", "YIIBhwYGKwYB"),
        ("https://student:Url-Pa55w0rd@registry.example.com/v2/", "Url-Pa55w0rd"),
        ("postgres://grafana:p4ss@db:5432/x", "p4ss"),
        ("--password hunter2flag --verbose", "hunter2flag"),
        ("--db-password\thunter2tab", "hunter2tab"),
        ("-token abcdef123456", "abcdef123456"),
        ("--client-key=key-value-1", "key-value-1"),
        ("DB_PASSWORD hunter2env", "hunter2env"),
        ("export GITHUB_TOKEN ghp_abcdef", "ghp_abcdef"),
        ('"api_key": "k-123456"', "k-123456"),
        ("secret: s-7654321", "s-7654321"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk", "eyJhbGciOiJIUzI1NiJ9"),
    ],
)
def test_credential_forms_are_masked(text: str, secret: str) -> None:
    masked = Redactor()(text)
    assert secret not in masked
    assert MASK in masked


def test_known_secrets_are_masked_plain_base64_and_url_encoded() -> None:
    redact = Redactor()
    value = "Db-S3cr3t/p@ss+w0rd!"
    redact.remember(value)
    raw = value.encode()
    forms = [
        value,
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
        urllib.parse.quote(value),
    ]
    for form in forms:
        assert form not in redact(f"log: value {form} end"), form


def test_prose_and_names_stay_readable() -> None:
    redact = Redactor()
    text = "the token expired; pod loki-0 CrashLoopBackOff; see ssh://git@github.com/x"
    assert redact(text) == text
    redact.publish("--set grafana.adminPassword admin123")
    assert "admin123" in redact("run --set grafana.adminPassword admin123 again")


def test_neutral_makes_controls_visible_and_keeps_layout() -> None:
    hostile = "a\x1b[2J\x1b]0;title\x07b\u202ec\r\nd\te\x00f\x9bg\x7f"
    shown = neutral(hostile)
    assert RAW_CONTROL.search(shown) is None
    assert shown == "a␛[2J␛]0;title␇b<U+202E>c\nd\te␀f<U+009B>g␡"
    assert neutral("plain\nlines\tand 한국어") == "plain\nlines\tand 한국어"
    assert "␛" in Redactor()("x\x1by")


def _outputs(run: LabRun, html: Path, junit: Path) -> dict[str, str]:
    return {
        "terminal": run.text,
        "grade JSON": json.dumps(run.grade, ensure_ascii=False),
        "HTML report": html.read_text(encoding="utf-8"),
        "JUnit XML": junit.read_text(encoding="utf-8"),
    }


def _run_with_every_output(
    run_lab: Callable[..., LabRun], scenario: str, tmp_path: Path
) -> tuple[LabRun, dict[str, str]]:
    html, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    run = run_lab(
        scenario,
        "--lab-wait",
        "1",
        "-v",
        "-rA",
        "--html",
        str(html),
        "--self-contained-html",
        "--junitxml",
        str(junit),
        "--lab-lang",
        "en",
    )
    assert run.grade, run.text
    return run, _outputs(run, html, junit)


def test_hostile_cluster_text_is_masked_and_neutral_everywhere(
    run_lab: Callable[..., LabRun], tmp_path: Path
) -> None:
    run, outputs = _run_with_every_output(run_lab, "fault-secrets-in-text", tmp_path)
    assert "error" not in run.outcomes().values(), run.text
    leaks = [
        f"{where} shows {secret}"
        for where, text in outputs.items()
        for secret in HOSTILE_SECRETS
        if secret in text
    ]
    assert leaks == []
    for where, text in outputs.items():
        assert RAW_CONTROL.search(text) is None, where
    # The hostile text was shown (made visible), not dropped: the student sees what came.
    terminal = outputs["terminal"]
    assert "␛[2J" in terminal and "<U+202E>" in terminal
    assert "https://student:" + MASK + "@registry.example.com" in terminal
    assert '"Authorization": "Bearer ' + MASK in terminal
    assert "--admin-password " + MASK in terminal
    assert "GF_DATABASE_PASSWORD " + MASK in terminal
    assert "␛[2J" in outputs["grade JSON"]  # the NodePort page excerpt in the message


def _scenario_text(name: str) -> str:
    scenario = load_scenario(name)
    data = {
        "objects": list(scenario.objects.values()),
        "logs": scenario.logs,
        "apps": {k: [route.body for route in v] for k, v in scenario.apps.items()},
    }
    return json.dumps(data, ensure_ascii=False)


HOSTILE_SCENARIOS = ("fault-secrets-in-text",)


@pytest.mark.parametrize("scenario", available_scenarios())
def test_only_the_hostile_scenario_carries_control_characters(scenario: str) -> None:
    # Raw control characters can reach an output only from cluster data or from the
    # grader's own text. This proves the other scenarios carry none, so graded runs of the
    # hostile one (below) plus a clean catalog cover every scenario's outputs.
    found = RAW_CONTROL.search(_scenario_text(scenario))
    assert (found is not None) == (scenario in HOSTILE_SCENARIOS), scenario


def test_the_message_catalog_has_no_control_characters() -> None:
    for key, texts in messages().items():
        for lang, text in texts.items():
            assert RAW_CONTROL.search(text) is None, (key, lang)


@pytest.mark.parametrize("scenario", ["complete", "fresh", "obs-grafana-crashloop"])
def test_no_output_has_a_raw_control_character(
    run_lab: Callable[..., LabRun], tmp_path: Path, scenario: str
) -> None:
    _, outputs = _run_with_every_output(run_lab, scenario, tmp_path)
    for where, text in outputs.items():
        found = RAW_CONTROL.search(text)
        assert found is None, f"{where}: {found.group(0)!r} at {found.start()}" if found else ""
