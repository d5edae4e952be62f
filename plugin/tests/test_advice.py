"""Advice that is right for this cluster: fix commands name the objects that are wrong and
the tool that installed them (issue 14, part 2)."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import LabRun

Runner = Callable[..., LabRun]
COST = ("lab1_kubecost",)


def test_label_fix_names_only_the_wrong_namespaces(run_lab: Runner) -> None:
    for lang, fix in (("ko", "고치는 명령: "), ("en", "To fix: ")):
        run = run_lab("cost-namespace-labels", "--lab-lang", lang, labs=COST)
        message = run.checkpoint("cost.4.namespaces")["message"]
        commands = message.split(fix, 1)[1]
        assert "`kubectl label namespace staging team=qa cost-center=CC-1002 --overwrite`" in (
            commands
        )
        assert "kubectl label namespace development team=dev cost-center=CC-1003" in commands
        assert "production" not in commands  # the one namespace that is right
    assert (
        "cost-center 라벨 없음 (필요: cost-center=CC-1002)"
        in run_lab("cost-namespace-labels", labs=COST).checkpoint("cost.4.namespaces")["message"]
    )


def test_pod_commands_name_the_pod_and_its_namespace(run_lab: Runner) -> None:
    run = run_lab("obs-grafana-crashloop", labs=("lab1_observability",))
    message = run.checkpoint("obs.2.workloads")["message"]
    assert "`kubectl describe pod -n monitoring prometheus-grafana-7f8d6c9b54-x2kfp`" in message
    assert "`kubectl logs -n monitoring prometheus-grafana-7f8d6c9b54-x2kfp`" in message
    assert "<이름>" not in message


def test_a_kubectl_applied_deployment_is_not_blamed_on_helm(run_lab: Runner) -> None:
    run = run_lab("fresh", "--lab-lang", "en", labs=COST)
    message = run.checkpoint("cost.4.pods-running")["message"]
    assert "Deployment production/web-app does not exist" in message
    assert "kubectl apply" in message and "helm" not in message.lower()
