"""`--nodeport-map 30080=HOST:PORT,…`: where single NodePorts of a student's cluster answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_kubelab.options import parse_nodeport_map
from pytest_kubelab.probes import NodePorts
from pytest_kubelab.sim.runtime import start


def test_parse_entries() -> None:
    assert parse_nodeport_map("30081=127.0.0.1:18081, 30080=lab-vm:30080", "localhost") == (
        (30080, "lab-vm", 30080),
        (30081, "127.0.0.1", 18081),
    )
    assert parse_nodeport_map("30082=18082;30080=[::1]:8080", "10.0.0.5") == (
        (30080, "::1", 8080),
        (30082, "10.0.0.5", 18082),
    )
    assert parse_nodeport_map("", "localhost") == ()


@pytest.mark.parametrize("bad", ["30080", "30080=", "x=h:1", "30080=h:port", "30080=http://h:1"])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="--nodeport-map accepts NODEPORT=HOST:PORT"):
        parse_nodeport_map(bad, "localhost")


def test_urls_follow_the_map() -> None:
    ports = NodePorts("10.0.0.5", {30082: 40082}, {30080: ("127.0.0.1", 18080), 30081: ("::1", 1)})
    assert ports.url(30080, "/api/health") == "http://127.0.0.1:18080/api/health"
    assert ports.url(30081) == "http://[::1]:1/"
    assert ports.url(30082) == "http://10.0.0.5:40082/"  # the simulator's own map
    assert ports.url(30083) == "http://10.0.0.5:30083/"


def test_bad_map_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--nodeport-map", "30080=nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--nodeport-map accepts NODEPORT=HOST:PORT" in result.stderr.str()


def test_nodeports_answer_where_the_map_says(
    pytester: pytest.Pytester,
    lab_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing answers on localhost:30080-30082; the simulator's stand-ins answer on their
    # own local ports, as an SSH tunnel's would. The environment twin is used here.
    with start("complete") as sim:
        ports = ",".join(f"{k}=127.0.0.1:{v}" for k, v in sim.nodeport_map.items())
        common = [
            str(lab_copy / "tests" / "lab1_observability"),
            f"--kubeconfig={sim.kubeconfig}",
            "--node-address=localhost",
            "--lab-wait=0",
            "-m",
            "step2 or step5",
        ]
        monkeypatch.setenv("KUBELAB_NODEPORT_MAP", ports)
        mapped = pytester.runpytest_inprocess(*common)
        monkeypatch.delenv("KUBELAB_NODEPORT_MAP")
        unmapped = pytester.runpytest_inprocess(*common)
    mapped.assert_outcomes(passed=10)
    outcome = unmapped.parseoutcomes()
    assert outcome.get("failed", 0) >= 2  # grafana-nodeport and web-reachable refuse
