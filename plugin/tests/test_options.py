"""Bad option values stop pytest with a message that says what is accepted."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lab-lang", "fr"], "--lab-lang accepts ko or en"),
        (["--lab-wait", "soon"], "--lab-wait accepts a number of seconds >= 0"),
        (["--lab-wait", "-3"], "--lab-wait accepts a number of seconds >= 0"),
        (["--lab-deadline", "x"], "--lab-deadline accepts a number of seconds >= 0"),
        (["--node-address", "http://localhost:30080"], "--node-address accepts a host name"),
        (["--lab-sim", "nope"], "--lab-sim accepts one of: "),
    ],
)
def test_bad_values_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], expected: str
) -> None:
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert expected in result.stderr.str()


def test_environment_twin_is_read(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBELAB_LANG", "de")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--lab-lang accepts ko or en (got 'de')" in result.stderr.str()


def test_ini_twin_is_read(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkubelab_wait = never\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "(got 'never')" in result.stderr.str()
