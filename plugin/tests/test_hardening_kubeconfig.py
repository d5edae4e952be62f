"""Bad kubeconfigs: one clear failed ``cluster-reachable`` per lab, never INTERNALERROR.

Every malformed, missing, empty, non-UTF-8 or wrongly shaped kubeconfig must give a
message that names the file and what is wrong with it (Korean by default, English with
``--lab-lang en``), blocked dependents, exit code 1 and every requested output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pytest_kubelab.kube.kubeconfig import resolve
from pytest_kubelab.redact import Redactor

GOOD = """\
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: abcdefgh12345}}]
contexts: [{name: kind-lab-cluster, context: {cluster: c, user: u}}]
current-context: kind-lab-cluster
"""

# name -> (file bytes or None for "no file", issue code, words the English message must hold)
CASES: dict[str, tuple[bytes | None, str, tuple[str, ...]]] = {
    "scalar": (b"just a string\n", "not_mapping", ("top level must be a mapping", "string")),
    "list": (b"- a\n- b\n", "not_mapping", ("top level must be a mapping", "list")),
    "string-context": (
        b"apiVersion: v1\ncontexts: [oops]\ncurrent-context: x\n",
        "entry_type",
        ("`contexts[0]` must be a mapping", "string"),
    ),
    "contexts-mapping": (
        b"contexts: {a: b}\ncurrent-context: x\n",
        "section_type",
        ("`contexts` must be a list", "mapping"),
    ),
    "cluster-string": (
        GOOD.replace('{server: "https://127.0.0.1:6443"}', "nope").encode(),
        "entry_type",
        ("`clusters[0].cluster` must be a mapping",),
    ),
    "non-utf8": (b"\xff\xfe\x00 not text", "not_utf8", ("not UTF-8",)),
    "missing": (None, "missing", ("does not exist",)),
    "empty": (b"", "empty", ("is empty",)),
    "comments-only": (b"# nothing here\n", "empty", ("is empty",)),
    "unparseable": (b"apiVersion: v1\nclusters: [\n", "not_yaml", ("not valid YAML",)),
    "no-current-context": (
        GOOD.replace("current-context: kind-lab-cluster", "").encode(),
        "no_current_context",
        ("no `current-context`",),
    ),
    "unknown-context": (
        GOOD.replace("current-context: kind-lab-cluster", "current-context: other").encode(),
        "unknown_context",
        ("no context 'other'",),
    ),
    "no-server": (
        GOOD.replace('server: "https://127.0.0.1:6443"', "insecure: true").encode(),
        "no_server",
        ("has no `server`",),
    ),
}


def _write(tmp_path: Path, name: str) -> Path:
    content = CASES[name][0]
    path = tmp_path / f"{name}.kubeconfig"
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_resolve_names_what_is_wrong(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name)
    target = resolve(path, None)
    assert target.problem is not None
    assert target.issue is not None and target.issue.code == CASES[name][1]
    english = target.issue.sentence(path, "en")
    assert str(path) in english
    for words in CASES[name][2]:
        assert words in english, english
    korean = target.issue.sentence(path, "ko")
    assert str(path) in korean and "kubeconfig 파일을 사용할 수 없습니다" in korean
    assert "{" not in korean and "{" not in english  # every placeholder filled
    # The redactor reads the same file for credentials and must not crash on it either.
    Redactor().remember_kubeconfig(path)


def test_a_good_kubeconfig_has_no_issue(tmp_path: Path) -> None:
    path = tmp_path / "good"
    path.write_text(GOOD, encoding="utf-8")
    target = resolve(path, None)
    assert (target.problem, target.issue, target.server) == (None, None, "https://127.0.0.1:6443")


def test_a_directory_is_not_a_kubeconfig(tmp_path: Path) -> None:
    target = resolve(tmp_path, None)
    assert target.issue is not None and target.issue.code == "is_directory"


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "kubeconfig"
    os.mkfifo(fifo)  # reading it would block until someone writes
    target = resolve(fifo, None)
    assert target.issue is not None and target.issue.code == "not_regular"


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("scalar", "en"),
        ("list", "ko"),
        ("string-context", "en"),
        ("non-utf8", "en"),
        ("missing", "ko"),
        ("empty", "en"),
        ("unparseable", "en"),
    ],
)
def test_bad_kubeconfig_run_fails_once_per_lab_with_every_output(
    pytester: pytest.Pytester, lab_copy: Path, tmp_path: Path, name: str, lang: str
) -> None:
    path = _write(tmp_path, name)
    grade, junit, html = tmp_path / "grade.json", tmp_path / "junit.xml", tmp_path / "r.html"
    result = pytester.runpytest_inprocess(
        str(lab_copy / "tests"),
        "--kubeconfig",
        str(path),
        "--lab-lang",
        lang,
        "--grade-json",
        str(grade),
        "--junitxml",
        str(junit),
        "--html",
        str(html),
        "--self-contained-html",
    )
    text = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in text
    assert result.ret == 1, text
    assert junit.exists() and html.exists()
    data = json.loads(grade.read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in data["checkpoints"]}
    reachable = [cid for cid in by_id if cid.endswith(".cluster-reachable")]
    assert sorted(reachable) == ["cost.1.cluster-reachable", "obs.1.cluster-reachable"]
    intro = "cannot be used" if lang == "en" else "사용할 수 없습니다"
    for cid, entry in by_id.items():
        if cid in reachable:
            assert entry["outcome"] == "failed"
            assert str(path) in entry["message"] and intro in entry["message"]
            if lang == "en":
                for words in CASES[name][2]:
                    assert words in entry["message"]
            assert "'None'" not in entry["message"]
        else:
            assert entry["outcome"] == "skipped", (cid, entry)
