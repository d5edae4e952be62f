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


# What an unrelated project's run may load of pytest-kubelab: the option, marker and
# fixture definitions, nothing of the grading machinery, the transport or the simulator.
INERT_MODULES = {
    "pytest_kubelab",
    "pytest_kubelab.plugin",
    "pytest_kubelab._plain_loading",
    "pytest_kubelab.markers",
    "pytest_kubelab.fixtures",
    "pytest_kubelab.session",
    "pytest_kubelab.sessionscope",  # each run's own redactor, messages and specs
    "pytest_kubelab.labdetect",
    "pytest_kubelab.options",
    "pytest_kubelab.catalog",
    "pytest_kubelab.provision",
    "pytest_kubelab.provision.options",
    "pytest_kubelab.yamlio",  # the catalog's loader (YAML itself is pytest-kind-ng's anyway)
    "pytest_kubelab.watch",  # the --lab-watch options
}


def test_unrelated_project_loads_only_the_definitions(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish():\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith(('pytest_kubelab', "
        "'kubernetes', 'jsonschema', 'tenacity')))\n"
        "    print('LOADED=' + ','.join(loaded))\n"
    )
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    line = next(line for line in result.stdout.lines if "LOADED=" in line)
    loaded = set(line.split("LOADED=", 1)[1].split(","))
    assert "pytest_kubelab.plugin" in loaded  # the entry point itself did load
    assert loaded <= INERT_MODULES, sorted(loaded - INERT_MODULES)


def test_the_plugin_is_not_assertion_rewritten(pytester: pytest.Pytester) -> None:
    # Rewritten modules are compiled on every run where bytecode cannot be cached; the
    # plugin's own modules load through Python's loader (see pytest_kubelab._plain_loading).
    pytester.makeconftest(
        "import sys\n"
        "def pytest_sessionfinish():\n"
        "    for name in ('pytest_kubelab.plugin', 'pytest_kubelab.fixtures'):\n"
        "        loader = type(sys.modules[name].__spec__.loader).__name__\n"
        "        print(f'LOADER {name} {loader}')\n"
    )
    pytester.makepyfile("def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    loaders = dict(
        line.split("LOADER ", 1)[1].split()[:2] for line in result.stdout.lines if "LOADER " in line
    )
    # The entry point module itself is imported by pytest's hook; everything after it is not.
    assert loaders["pytest_kubelab.plugin"] == "AssertionRewritingHook"
    assert loaders["pytest_kubelab.fixtures"] == "SourceFileLoader"
