"""Step 4: the labelled namespaces and their sample Deployments.

Each check takes the lab's ``apps`` list (``lab.yaml``: ``expected.apps``): one entry
per namespace with its ``labels``, its ``deployment``, ``replicas``, ``requests`` and
``limits``. Quantities are compared by value (``0.2`` == ``200m``). Replica counts
accept whatever range an HPA allows, because idle apps are scaled down to minReplicas
once Step 5 works (chart-facts 7.2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_kubelab.catalog import Phrase, joined, phrase
from pytest_kubelab.checks.workloads import workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.quantity import parse_quantity
from pytest_kubelab.kube.reader import Obj, labels_of, name_of
from pytest_kubelab.verdict import Verdict, failed, first_problem, passed

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

App = Mapping[str, Any]


def _names(apps: Sequence[App]) -> str:
    return ", ".join(a["namespace"] for a in apps)


def namespaces_labelled(apps: Sequence[App]) -> Check:
    """Each app's ``namespace`` exists and carries its ``labels`` (team, cost-center)."""

    def check(lab: Lab) -> Verdict:
        problems: list[Phrase] = []
        missing: list[str] = []
        fixes: list[str] = []
        for app in apps:
            namespace = app["namespace"]
            obj = lab.cluster.get("Namespace", namespace)
            if obj is None:
                missing.append(namespace)
                continue
            labels = labels_of(obj)
            wrong = False
            for key, value in app["labels"].items():
                params = {"namespace": namespace, "label": key, "value": value}
                if key not in labels:
                    problems.append(phrase("cost.apps.label_missing", **params))
                elif labels[key] != str(value):
                    problems.append(phrase("cost.apps.label_wrong", seen=labels[key], **params))
                else:
                    continue
                wrong = True
            if wrong:
                # The fix names exactly the namespaces that are wrong, with all their labels.
                wanted = " ".join(f"{k}={v}" for k, v in app["labels"].items())
                fixes.append(f"`kubectl label namespace {namespace} {wanted} --overwrite`")
        names = _names(apps)
        if missing:
            return failed("cost.apps.namespaces_missing", missing=", ".join(missing), names=names)
        if problems:
            return failed(
                "cost.apps.namespace_labels",
                problems=joined(problems, "; "),
                names=names,
                commands=", ".join(fixes),
            )
        return passed("cost.apps.namespaces_ok", names=names)

    return named(check, f"namespaces {_names(apps)} labelled")


def _resource_problems(app: App, container: Mapping[str, Any]) -> list[Phrase]:
    resources = container.get("resources") or {}
    problems = []
    for section in ("requests", "limits"):
        seen = resources.get(section) or {}
        for resource, want in app[section].items():
            where = f"{app['deployment']} {section}.{resource}"
            raw = seen.get(resource)
            if raw is None:
                problems.append(phrase("diff.missing", field=where, want=want))
                continue
            try:
                same = parse_quantity(str(raw)) == parse_quantity(str(want))
            except ValueError:
                same = False
            if not same:
                problems.append(phrase("diff.wrong", field=where, seen=raw, want=want))
    return problems


def deployments_resourced(apps: Sequence[App]) -> Check:
    """Each app's ``deployment`` exists and its first container has the app's ``requests``
    and ``limits``.
    """

    def check(lab: Lab) -> Verdict:
        missing: list[str] = []
        problems: list[Phrase] = []
        for app in apps:
            obj = lab.cluster.get("Deployment", app["deployment"], app["namespace"])
            if obj is None:
                missing.append(f"{app['namespace']}/{app['deployment']}")
                continue
            template = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
            containers = template.get("containers") or [{}]
            problems += _resource_problems(app, containers[0])
        if missing:
            return failed("cost.apps.deployments_missing", missing=", ".join(missing))
        if problems:
            return failed("cost.apps.resources_wrong", problems=joined(problems, "; "))
        return passed("cost.apps.deployments_ok", count=len(apps))

    return named(check, "Deployments with the lab's requests and limits")


def hpa_for(lab: Lab, namespace: str, deployment: str) -> Obj | None:
    """The HPA whose scaleTargetRef is Deployment ``deployment``, if any."""
    for hpa in lab.cluster.list("HorizontalPodAutoscaler", namespace):
        ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if ref.get("kind") == "Deployment" and ref.get("name") == deployment:
            return hpa
    return None


def replica_range(lab: Lab, app: App) -> tuple[int, int, str]:
    """(min, max, why) of acceptable replicas: the HPA's range, else the app's ``replicas``."""
    hpa = hpa_for(lab, app["namespace"], app["deployment"])
    if hpa is None:
        return app["replicas"], app["replicas"], "Step 4"
    spec = hpa.get("spec") or {}
    low = int(spec.get("minReplicas") or 1)
    high = int(spec.get("maxReplicas") or low)
    return low, high, f"HPA {name_of(hpa)}"


def pods_running(apps: Sequence[App]) -> Check:
    """Each app's Deployment has all pods Running and Ready, and asks for the app's
    ``replicas`` (or, with an HPA targeting it, a count between its min and max).
    """

    def check(lab: Lab) -> Verdict:
        verdicts: list[Verdict] = []
        counts: list[str] = []
        for app in apps:
            namespace, name = app["namespace"], app["deployment"]
            verdict = workload_verdict(lab.cluster, "Deployment", namespace, name)
            verdicts.append(verdict)
            obj = lab.cluster.get("Deployment", name, namespace) or {}
            spec = obj.get("spec") or {}
            replicas = int(spec["replicas"]) if spec.get("replicas") is not None else 1
            low, high, why = replica_range(lab, app)
            counts.append(f"{name} {verdict.params.get('ready', 0)}/{replicas}")
            if not low <= replicas <= high:
                verdicts.append(
                    failed(
                        "cost.apps.replicas_out_of_range",
                        workload=f"{namespace}/{name}",
                        replicas=replicas,
                        low=low,
                        high=high,
                        why=why,
                    )
                )
        problem = first_problem(*verdicts)
        return problem or passed("cost.apps.pods_running_ok", counts=", ".join(counts))

    return named(check, "sample app pods Running and Ready")
