"""Installing pytest-kubelab must not change unrelated pytest runs, and --help needs no cluster."""

from __future__ import annotations

import pytest


def test_unrelated_project_is_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    lines = result.stdout.lines
    assert not [line for line in lines if line.startswith("kubelab:")]  # no header
    assert not [line for line in lines if "실습 채점 결과" in line]  # no grade summary


def test_help_lists_the_options_without_any_cluster(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(pytester.path / "does-not-exist"))
    result = pytester.runpytest_subprocess("--help")
    assert result.ret == 0
    for flag in (
        "--kube-context",
        "--node-address",
        "--lab-wait",
        "--lab-lang",
        "--grade-json",
        "--lab-sim",
        "--lab-deadline",
        # pytest-kind-ng's options are reused, not redefined.
        "--kubeconfig",
        "--cluster-name",
        "--keep-cluster",
    ):
        assert flag in result.stdout.str(), flag
    result.stdout.fnmatch_lines(["*kubelab*"])


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    # Elsewhere only ``checkpoint`` exists; step and lab markers come from a lab.yaml
    # (see test_lab_authoring.py), so an unrelated project gets no step1…stepN.
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["*checkpoint(id)*"])
    assert "step1:" not in result.stdout.str()
