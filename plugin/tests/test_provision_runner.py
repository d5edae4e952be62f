"""--lab-provision against fake kind/helm/kubectl: command sequence, idempotency, safety, errors.

The fakes (fake_kube_tools.py) record every call and keep cluster state in a JSON file, so
these tests assert what provisioning would run on a real machine without Docker or network:
the exact commands in order, that a second run changes nothing, that a cluster this session
did not create is never deleted, and that a failing tool's stderr reaches the message.
The runner is tested directly, then the whole option in inner pytest runs of the lab spec
(what was built for a ``-m`` selection, cluster deletion, and the stop-before-grading path).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.provision.plan import LabPlan
from pytest_kubelab.provision.recipe import load_recipe
from pytest_kubelab.provision.runner import Runner
from pytest_kubelab.provision.tools import ProvisionError, Tools, find_tool

REPO = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).with_name("fake_kube_tools.py")
OBS = REPO / "tests" / "lab1_observability"
COST = REPO / "tests" / "lab1_kubecost"
FLAGS = {"--install", "--wait", "--all", "--create-namespace", "--ignore-not-found"}


class FakeKube:
    """Shims for kind/helm/kubectl in ``bin`` plus their shared state and call log."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.state_path = root / "state.json"
        self.log_path = root / "calls.log"
        self.kubeconfig = root / "kube" / "config"
        for tool in ("kind", "helm", "kubectl"):
            shim = self.bin / tool
            shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" {tool} "$@"\n')
            shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("FAKE_KUBE_STATE", str(self.state_path))
        monkeypatch.setenv("FAKE_KUBE_LOG", str(self.log_path))
        monkeypatch.setenv("PATH", f"{self.bin}{os.pathsep}{os.environ['PATH']}")
        self.env = {
            "FAKE_KUBE_STATE": str(self.state_path),
            "FAKE_KUBE_LOG": str(self.log_path),
            "PATH": os.environ["PATH"],
        }

    def set_state(self, **state: Any) -> None:
        self.state_path.write_text(json.dumps(state))

    @property
    def state(self) -> dict[str, Any]:
        return dict(json.loads(self.state_path.read_text()))

    def calls(self) -> list[list[str]]:
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines()]

    def verbs(self) -> list[str]:
        """Each call as '<tool> <first two words>', without flags and option values."""
        out = []
        for tool, *argv in self.calls():
            words = []
            skip = False
            for arg in argv:
                if skip:
                    skip = False
                elif arg.startswith("-"):
                    skip = "=" not in arg and arg not in FLAGS
                else:
                    words.append(Path(arg).name if "/" in arg else arg)
            out.append(" ".join([tool, *words[:2]]))
        return out

    def clear_log(self) -> None:
        self.log_path.unlink(missing_ok=True)

    def tools(self) -> Tools:
        return Tools(self.bin / "kind", self.bin / "helm", self.bin / "kubectl")


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeKube:
    return FakeKube(tmp_path, monkeypatch)


def _runner(fake: FakeKube, lines: list[str]) -> Runner:
    return Runner(fake.tools(), fake.kubeconfig, lines.append, node_budget=5)


def _plan(folder: Path, lab: str, last: int) -> LabPlan:
    recipe = load_recipe(lab, folder)
    assert recipe is not None
    return LabPlan(recipe, last)


def test_observability_builds_every_step_in_order(fake: FakeKube) -> None:
    lines: list[str] = []
    handle = _runner(fake, lines).run([_plan(OBS, "observability", 5)])
    assert handle is not None
    assert handle.created
    assert handle.target.context == "kind-lab-cluster"
    assert fake.verbs() == [
        "kind get clusters",
        "kind get clusters",  # KindCluster.create looks again before creating
        "kind create cluster",
        "kubectl get nodes",  # all 3 Ready, through settle
        "helm list",
        "helm upgrade prometheus",
        "helm list",
        "helm upgrade loki",
        "helm list",
        "helm upgrade jaeger",
        "kubectl get",  # which objects of jaeger-query-nodeport.yaml exist (-f)
        "kubectl apply",
        "kubectl get",  # which objects of demo.yaml exist (-f)
        "kubectl apply",
        "kubectl get deployment",  # demo/web-app ready, through settle
    ]
    calls = fake.calls()
    create = calls[2]
    assert create[create.index("--config") + 1] == str(OBS / "kind-config.yaml")
    assert f"--kubeconfig={fake.kubeconfig}" in create
    assert "--name=lab-cluster" in create
    installs = [c for c in calls if c[:2] == ["helm", "upgrade"]]
    assert [(c[3], c[4], c[c.index("--version") + 1]) for c in installs] == [
        ("prometheus", "kube-prometheus-stack", "88.5.3"),
        ("loki", "loki-stack", "2.10.3"),
        ("jaeger", "jaeger", "4.11.1"),
    ]
    for command in installs:
        assert "--wait" in command
        assert command[command.index("--kube-context") + 1] == "kind-lab-cluster"
        assert command[command.index("--kubeconfig") + 1] == str(fake.kubeconfig)
        assert command[command.index("--namespace") + 1] == "monitoring"
    for tool, *argv in calls:
        if tool == "kubectl":
            assert argv[:2] == [f"--kubeconfig={fake.kubeconfig}", "--context=kind-lab-cluster"]
    assert fake.state["releases"]["monitoring/prometheus"]["values"]["grafana"] == {
        "adminPassword": "admin123",
        "service": {"type": "NodePort", "nodePort": 30080},
    }
    assert any("step 1: created kind cluster lab-cluster" in line for line in lines)
    assert any("step 4: helm release jaeger" in line and "installed" in line for line in lines)
    assert all(line.rstrip().endswith("s)") for line in lines)


def test_second_run_installs_nothing(fake: FakeKube) -> None:
    _runner(fake, []).run([_plan(OBS, "observability", 5)])
    fake.clear_log()
    lines: list[str] = []
    handle = _runner(fake, lines).run([_plan(OBS, "observability", 5)])
    assert handle is not None
    assert not handle.created
    verbs = fake.verbs()
    assert "kind create cluster" not in verbs
    assert not any(v.startswith(("helm upgrade", "kind delete")) for v in verbs)
    assert "kubectl apply" not in verbs
    assert any("reused existing kind cluster" in line for line in lines)
    assert sum("already up to date" in line for line in lines) == 3


def test_changed_values_are_upgraded(fake: FakeKube) -> None:
    _runner(fake, []).run([_plan(OBS, "observability", 2)])
    state = fake.state
    state["releases"]["monitoring/prometheus"]["values"] = {"grafana": {}}
    fake.set_state(**state)
    fake.clear_log()
    _runner(fake, []).run([_plan(OBS, "observability", 2)])
    assert fake.verbs().count("helm upgrade prometheus") == 1


def test_existing_cluster_is_reused_and_never_deleted(fake: FakeKube) -> None:
    fake.set_state(clusters=["lab-cluster"])
    handle = _runner(fake, []).run([_plan(OBS, "observability", 1)])
    assert handle is not None
    assert not handle.created
    handle.delete()
    verbs = fake.verbs()
    assert "kind create cluster" not in verbs
    assert "kind delete cluster" not in verbs
    # The kubeconfig did not know the cluster, so it was exported (not recreated).
    assert "kind export kubeconfig" in verbs
    assert fake.state["clusters"] == ["lab-cluster"]


def test_created_cluster_can_be_deleted(fake: FakeKube) -> None:
    handle = _runner(fake, []).run([_plan(OBS, "observability", 1)])
    assert handle is not None
    handle.delete()
    assert "kind delete cluster" in fake.verbs()
    assert fake.state["clusters"] == []


def test_only_selected_steps_run(fake: FakeKube) -> None:
    _runner(fake, []).run([_plan(COST, "kubecost", 3)])
    calls = fake.calls()
    assert [c[3] for c in calls if c[:2] == ["helm", "upgrade"]] == ["kubecost"]
    applied = [c[-1] for c in calls if c[0] == "kubectl" and "apply" in c]
    assert applied == [
        "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.8.1/components.yaml"
    ]
    kubecost = next(c for c in calls if c[:2] == ["helm", "upgrade"])
    assert kubecost[kubecost.index("--version") + 1] == "2.8.7"
    assert fake.state["releases"]["kubecost/kubecost"]["values"] == {
        "prometheus": {"server": {"global": {"external_labels": {"cluster_id": "lab-cluster"}}}}
    }


def test_metrics_server_patch_is_idempotent(fake: FakeKube) -> None:
    _runner(fake, []).run([_plan(COST, "kubecost", 2)])
    deployment = fake.state["objects"]["deployment/kube-system/metrics-server"]
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args == ["--cert-dir=/tmp", "--kubelet-insecure-tls"]
    patch = next(c for c in fake.calls() if "patch" in c)
    assert json.loads(patch[patch.index("-p") + 1]) == [
        {
            "op": "add",
            "path": "/spec/template/spec/containers/0/args/-",
            "value": "--kubelet-insecure-tls",
        }
    ]
    fake.clear_log()
    _runner(fake, []).run([_plan(COST, "kubecost", 2)])
    assert not any("apply" in c or "patch" in c for c in fake.calls())


def test_cost_lab_full_build_applies_manifests_once(fake: FakeKube) -> None:
    _runner(fake, []).run([_plan(COST, "kubecost", 6)])
    objects = fake.state["objects"]
    for key in (
        "namespace//production",
        "deployment/production/web-app",
        "deployment/development/dev-service",
        "horizontalpodautoscaler/production/web-app-hpa",
        "horizontalpodautoscaler/staging/api-server-hpa",
    ):
        assert key in objects
    fake.clear_log()
    _runner(fake, []).run([_plan(COST, "kubecost", 6)])
    assert not any("apply" in c for c in fake.calls())


def test_failed_helm_shows_command_and_stderr(fake: FakeKube) -> None:
    fake.set_state(
        fail={
            "helm upgrade": "Error: INSTALLATION FAILED: context deadline exceeded\n"
            "(waiting for Deployment monitoring/prometheus-grafana)"
        }
    )
    with pytest.raises(ProvisionError) as excinfo:
        _runner(fake, []).run([_plan(OBS, "observability", 2)])
    message = str(excinfo.value)
    assert "installing helm release prometheus (kube-prometheus-stack 88.5.3)" in message
    assert "exit status 1" in message
    assert "command: " in message
    assert "upgrade --install prometheus kube-prometheus-stack" in message
    assert "INSTALLATION FAILED: context deadline exceeded" in message


def test_failed_kind_create_shows_its_stderr(fake: FakeKube) -> None:
    fake.set_state(fail={"kind create": "ERROR: failed to create cluster: docker not running"})
    with pytest.raises(ProvisionError) as excinfo:
        _runner(fake, []).run([_plan(OBS, "observability", 1)])
    message = str(excinfo.value)
    assert "kind could not create cluster lab-cluster" in message
    assert "create cluster --name=lab-cluster" in message
    assert "docker not running" in message


def test_missing_kind_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ProvisionError, match="kind was not found on PATH; install kind"):
        find_tool("kind")
    with pytest.raises(ProvisionError, match="is not an executable file"):
        find_tool("kind", str(tmp_path / "nope"))


# --- the whole option, in an inner pytest run of the real lab spec -------------------------
# Grading after provisioning needs a real API server; the fakes' kubeconfig points nowhere,
# so these runs assert what was built and how a failure is reported, not the grade.


def _lab_run(
    pytester: pytest.Pytester,
    fake: FakeKube,
    *args: str,
    lab: str = "tests/lab1_kubecost",
    provision: bool = True,
) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        str(pytester.path / lab),
        *(["--lab-provision"] if provision else []),
        "--kubeconfig",
        str(fake.kubeconfig),
        "--lab-wait",
        "0",
        "-p",
        "no:cacheprovider",
        *args,
    )


def test_lab_provision_builds_selected_steps_then_grades(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    result = _lab_run(pytester, fake, "-m", "kubecost and step1")
    text = result.stdout.str()
    assert "kubelab provision: building kubecost steps 1-1" in text
    assert "kubelab provision: [kubecost] step 1: created kind cluster lab-cluster" in text
    verbs = fake.verbs()
    assert verbs[:4] == [
        "kind get clusters",
        "kind get clusters",
        "kind create cluster",
        "kubectl get nodes",
    ]
    assert not any(v.startswith(("helm", "kubectl apply")) for v in verbs)
    # Grading then ran against the provisioned context (unreachable here: a fake server).
    result.assert_outcomes(failed=1, skipped=2)
    assert "kind-lab-cluster" in text
    # Created by this run and no --keep-cluster: deleted at the end.
    assert verbs[-1] == "kind delete cluster"
    assert fake.state["clusters"] == []


def test_lab_provision_from_environment(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBELAB_PROVISION", "1")
    result = _lab_run(pytester, fake, "-m", "kubecost and step1", provision=False)
    assert "kubelab provision: building kubecost steps 1-1" in result.stdout.str()
    assert "kind create cluster" in fake.verbs()


def test_lab_provision_keeps_cluster_when_asked(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    _lab_run(pytester, fake, "-m", "kubecost and step1", "--keep-cluster")
    assert "kind delete cluster" not in fake.verbs()
    assert fake.state["clusters"] == ["lab-cluster"]


def test_lab_provision_failure_stops_before_grading(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    fake.set_state(
        clusters=["lab-cluster"],
        fail={"helm upgrade": "Error: INSTALLATION FAILED: chart cost-analyzer 2.8.7 not found"},
    )
    result = _lab_run(pytester, fake, "-m", "kubecost and step3")
    text = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "--lab-provision failed at step 3 (Kubecost), nothing was graded" in text
    assert "upgrade --install kubecost cost-analyzer" in text
    assert "INSTALLATION FAILED: chart cost-analyzer 2.8.7 not found" in text
    assert " passed" not in text
    # Steps 1-2 ran before the failing step 3; the pre-existing cluster is left alone.
    assert "kubelab provision: [kubecost] step 2:" in text
    assert "kind delete cluster" not in fake.verbs()


def test_without_the_flag_nothing_runs(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    _lab_run(pytester, fake, provision=False)
    assert fake.calls() == []


def test_lab_provision_rejects_lab_sim(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    result = _lab_run(pytester, fake, "--lab-sim", "complete")
    assert "cannot be used with --lab-sim" in result.stderr.str()
    assert fake.calls() == []


def test_a_build_without_charts_needs_no_helm(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    # Step 1 is the kind cluster only: with no helm anywhere, it still builds.
    (fake.bin / "helm").unlink()
    result = _lab_run(pytester, fake, "-m", "kubecost and step1")
    assert "kind create cluster" in fake.verbs(), result.stdout.str()
    assert "helm was not found" not in result.stdout.str() + result.stderr.str()
    # A step that installs a chart still asks for helm, saying how to get it.
    fake.clear_log()
    result = _lab_run(pytester, fake, "-m", "kubecost and step3", "--keep-cluster")
    assert "helm was not found on PATH; install Helm 3" in result.stdout.str() + result.stderr.str()
    assert not any(v.startswith("helm") for v in fake.verbs())


def test_the_example_lab_builds_with_kind_and_kubectl_only(
    pytester: pytest.Pytester, fake: FakeKube
) -> None:
    import shutil

    (fake.bin / "helm").unlink()
    shutil.copytree(REPO / "examples" / "webapp_lab", pytester.path / "webapp_lab")
    shutil.copy(REPO / "pyproject.toml", pytester.path / "pyproject.toml")
    result = _lab_run(pytester, fake, lab="webapp_lab")
    text = result.stdout.str()
    assert "kubelab provision: building webapp steps 1-3" in text
    assert "helm was not found" not in text + result.stderr.str()
    verbs = fake.verbs()
    assert "kind create cluster" in verbs
    create = next(call for call in fake.calls() if call[:3] == ["kind", "create", "cluster"])
    assert "--name=webapp-lab" in create and any(a.endswith("kind-config.yaml") for a in create)
    # The fakes' API server does not answer, so web.1.cluster fails and the checkpoints of
    # steps 2-3 are not graded: their steps are not built either (built only when needed).
    assert "kubectl apply" not in verbs
    result.assert_outcomes(failed=1, skipped=4)


def _build(fake: FakeKube, lines: list[str], *plans: LabPlan) -> Any:
    from pytest_kubelab.provision.build import LabBuild

    return LabBuild({p.recipe.lab: p for p in plans}, _runner(fake, lines), lines.append)


def test_steps_are_built_when_first_needed_and_once(fake: FakeKube) -> None:
    (fake.bin / "helm").unlink()
    tools = fake.tools()
    build = _build(fake, [], _plan(REPO / "examples" / "webapp_lab", "webapp", 3))
    build.runner.tools = Tools(kind=tools.kind, helm_path=None, kubectl=tools.kubectl)
    assert fake.calls() == []  # preparing builds nothing
    step1 = build.up_to("webapp", 1)
    assert step1.built and "kind create cluster" in fake.verbs()
    assert "kubectl apply" not in fake.verbs()
    # The cluster exists before the grader first reads it: nothing to re-read yet.
    assert not build.take_changed()
    step3 = build.up_to("webapp", 3)
    applied = [c for c in fake.calls() if c[0] == "kubectl" and "apply" in c]
    assert len(applied) == 1 and applied[0][-1].endswith("manifests/web.yaml")
    assert step3.number == 3 and build.take_changed() and not build.take_changed()
    fake.clear_log()
    build.up_to("webapp", 2)
    build.up_to("webapp", 3)
    assert fake.calls() == [] and not build.take_changed()  # shared for the session
    # A lab the selection did not plan is never built, and says so.
    assert build.up_to("kubecost", 3).built is False and fake.calls() == []


def test_a_failed_step_after_grading_says_what_was_graded(fake: FakeKube) -> None:
    fake.set_state(fail={"helm upgrade": "Error: INSTALLATION FAILED: timed out"})
    lines: list[str] = []
    build = _build(fake, lines, _plan(COST, "kubecost", 3))
    build.up_to("kubecost", 1)
    build.graded_any = True  # a step-1 checkpoint ran
    with pytest.raises(pytest.exit.Exception) as stopped:
        build.up_to("kubecost", 3)
    message = str(stopped.value)
    assert message.startswith(
        "--lab-provision failed at step 3 (Kubecost); the checkpoints before it were graded"
    )
    assert "INSTALLATION FAILED: timed out" in message
    assert build.built["kubecost"] == 2  # metrics-server (step 2) was built before
    # Every later request stops at once with the same message, building nothing.
    fake.clear_log()
    with pytest.raises(pytest.exit.Exception):
        build.up_to("kubecost", 4)
    assert fake.calls() == []


def test_lab_provision_refuses_xdist(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    result = _lab_run(pytester, fake, "-n", "2")
    assert "--lab-provision cannot be used with -n 2" in result.stderr.str()
    assert fake.calls() == []


def test_build_fixtures_name_their_steps(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    # Grade mode: the lab folders' build fixtures run nothing (the fakes see no call).
    result = _lab_run(pytester, fake, "--setup-plan", provision=False)
    text = result.stdout.str()
    for fixture in ("kubecost_install", "metrics_server", "sample_apps", "hpas"):
        assert f"SETUP    F {fixture}" in text, text
    assert fake.calls() == []


# --- per installation: the lab folders' build fixtures (lab_install) --------------------


def test_an_installation_is_built_after_everything_before_it_and_once(fake: FakeKube) -> None:
    from pytest_kubelab.provision.built import BuiltInstallation

    build = _build(fake, [], _plan(OBS, "observability", 4))
    built = build.install("observability", "jaeger_query_nodeport")
    assert built == BuiltInstallation("observability", "jaeger_query_nodeport", 4, built=True)
    verbs = fake.verbs()
    assert verbs[verbs.index("kind create cluster") :] == [
        "kind create cluster",
        "kubectl get nodes",
        "helm list",
        "helm upgrade prometheus",
        "helm list",
        "helm upgrade loki",
        "helm list",
        "helm upgrade jaeger",  # the release first, then the manifest that follows it
        "kubectl get",
        "kubectl apply",
    ]
    applied = [c[-1] for c in fake.calls() if c[0] == "kubectl" and "apply" in c]
    assert [Path(a).name for a in applied] == ["jaeger-query-nodeport.yaml"]
    fake.clear_log()
    # Shared for the session: asking again, or for anything before it, builds nothing.
    for name in ("jaeger_query_nodeport", "jaeger", "lab_cluster"):
        assert build.install("observability", name).built
    assert build.up_to("observability", 4).built
    assert fake.calls() == []


def test_lab_step_and_lab_install_share_one_counter(fake: FakeKube) -> None:
    build = _build(fake, [], _plan(OBS, "observability", 5))
    build.up_to("observability", 3)
    fake.clear_log()
    assert build.install("observability", "loki_stack").step == 3
    assert fake.calls() == []  # step 3 built it already
    build.install("observability", "jaeger")
    assert fake.verbs() == ["helm list", "helm upgrade jaeger"]
    fake.clear_log()
    build.up_to("observability", 4)  # only what step 4 still lacks
    assert fake.verbs() == ["kubectl get", "kubectl apply"]


def test_a_step_with_nothing_to_install_is_reached_through_lab_step(fake: FakeKube) -> None:
    lines: list[str] = []
    build = _build(fake, lines, _plan(COST, "kubecost", 6))
    build.install("kubecost", "hpas")
    assert not any("step 6" in line for line in lines)
    fake.clear_log()
    step6 = build.up_to("kubecost", 6)
    assert step6.built and step6.title.startswith("nothing to install")
    build.up_to("kubecost", 6)
    assert fake.calls() == []
    assert sum("[kubecost] step 6: nothing to install" in line for line in lines) == 1


def test_an_unknown_installation_stops_the_run_in_one_line(fake: FakeKube) -> None:
    build = _build(fake, [], _plan(OBS, "observability", 5))
    with pytest.raises(pytest.exit.Exception) as stopped:
        build.install("observability", "jaeger_ui")
    assert stopped.value.returncode == pytest.ExitCode.USAGE_ERROR
    message = stopped.value.msg
    assert "\n" not in message
    assert f"{OBS / 'provision.yaml'} names no installation 'jaeger_ui'" in message
    assert message.endswith(
        "its installations: lab_cluster, prometheus_stack, loki_stack, jaeger, "
        "jaeger_query_nodeport, demo_app"
    )
    assert fake.calls() == []


def test_a_failed_installation_is_named(fake: FakeKube) -> None:
    fake.set_state(clusters=["lab-cluster"], fail={"kubectl apply": "error: unable to recognize"})
    build = _build(fake, [], _plan(OBS, "observability", 4))
    with pytest.raises(pytest.exit.Exception) as stopped:
        build.install("observability", "jaeger_query_nodeport")
    assert str(stopped.value).startswith(
        "--lab-provision failed at step 4 (Jaeger), nothing was graded:\n"
        "installation jaeger_query_nodeport: "
    )
    assert "unable to recognize" in str(stopped.value)


def test_a_release_check_alone_does_not_apply_the_nodeport_manifest(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    # -k selects obs.4.release only: it requests `jaeger`, not `jaeger_query_nodeport`.
    result = _lab_run(
        pytester, fake, "-k", "test_step4_jaeger and test_release", lab="tests/lab1_observability"
    )
    text = result.stdout.str()
    assert "kubelab provision: building observability steps 1-4 (through jaeger)" in text
    verbs = fake.verbs()
    assert "helm upgrade jaeger" in verbs, text
    assert not any(v.startswith("kubectl apply") for v in verbs)
    result.assert_outcomes(failed=1)  # the fakes' API server does not answer


def test_the_ui_check_builds_the_release_then_its_nodeport_manifest(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    result = _lab_run(pytester, fake, "-k", "test_jaeger_ui", lab="tests/lab1_observability")
    text = result.stdout.str()
    assert "building observability steps 1-4 (through jaeger_query_nodeport)" in text
    verbs = fake.verbs()
    assert verbs.index("helm upgrade jaeger") < verbs.index("kubectl apply"), verbs
    assert verbs.count("kubectl apply") == 1
    assert "demo.yaml" not in json.dumps(fake.calls())  # step 5 is not selected


def test_a_selection_of_manifests_needs_no_helm(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    # Step 2 of the cost lab applies metrics-server's manifest: kind and kubectl suffice.
    (fake.bin / "helm").unlink()
    result = _lab_run(pytester, fake, "-m", "kubecost and step2")
    text = result.stdout.str() + result.stderr.str()
    assert "helm was not found" not in text
    assert "kubelab provision: [kubecost] step 2: https://" in text, text
    assert "/components.yaml: applied" in text
    assert "kubectl apply" in fake.verbs()


def test_grading_neither_builds_nor_reads_provision_yaml(
    pytester: pytest.Pytester, lab_copy: Path, fake: FakeKube
) -> None:
    # A student's run: the build fixtures only name their installations.
    (lab_copy / "tests" / "lab1_observability" / "provision.yaml").unlink()
    result = _lab_run(
        pytester,
        fake,
        "--lab-sim",
        "complete",
        lab="tests/lab1_observability",
        provision=False,
    )
    result.assert_outcomes(passed=22)
    assert fake.calls() == []
