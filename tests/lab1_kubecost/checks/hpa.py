"""Step 5: the HPAs' specs, and whether they can read their metrics.

An HPA is given as in ``lab.yaml`` (``expected.hpas.*``): ``namespace``, ``name``,
``target`` (a Deployment), ``min``, ``max``, ``metrics`` (resource name → average
utilization %) and, optionally, ``behavior`` (as in the manifest).

Status is read from JSON (``status.currentMetrics`` and conditions), never from the
``kubectl get hpa`` table whose TARGETS format changed across versions (chart-facts 7.2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_kubelab.catalog import Phrase, joined, phrase
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.reader import Obj
from pytest_kubelab.verdict import Verdict, failed, first_problem, passed, pending

from .metrics_server import api_available

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

Hpa = Mapping[str, Any]


def _metric_targets(spec: Mapping[str, Any]) -> dict[str, str]:
    """Resource metric name → "Utilization 70" (or another target type/value)."""
    targets: dict[str, str] = {}
    for metric in spec.get("metrics") or []:
        if not isinstance(metric, Mapping) or metric.get("type") != "Resource":
            continue
        resource = metric.get("resource") or {}
        target = resource.get("target") or {}
        value = target.get("averageUtilization", target.get("averageValue", "?"))
        targets[str(resource.get("name"))] = f"{target.get('type')} {value}"
    return targets


def _policies(rules: Mapping[str, Any]) -> list[tuple[Any, Any, Any]]:
    return [
        (p.get("type"), p.get("value"), p.get("periodSeconds"))
        for p in rules.get("policies") or []
        if isinstance(p, Mapping)
    ]


def _behavior_problems(want: Mapping[str, Any], seen: Mapping[str, Any]) -> list[Phrase]:
    problems = []
    for direction, rules in want.items():
        actual = seen.get(direction) or {}
        window, actual_window = (
            rules["stabilizationWindowSeconds"],
            actual.get("stabilizationWindowSeconds"),
        )
        if actual_window != window:
            field = f"behavior.{direction}.stabilizationWindowSeconds"
            problems.append(phrase("diff.wrong", field=field, seen=actual_window, want=window))
        if _policies(actual) != _policies(rules):
            shown = ", ".join(f"{t} {v}/{p}s" for t, v, p in _policies(actual))
            wanted = ", ".join(f"{t} {v}/{p}s" for t, v, p in _policies(rules))
            problems.append(
                phrase(
                    "diff.wrong",
                    field=f"behavior.{direction}.policies",
                    seen=shown or phrase("value.none"),
                    want=wanted,
                )
            )
    return problems


def spec_problems(hpa: Obj, want: Hpa) -> list[Phrase]:
    """Every field of the HPA spec that differs from the lab's manifest."""
    spec = hpa.get("spec") or {}
    problems: list[Phrase] = []
    ref = spec.get("scaleTargetRef") or {}
    if ref.get("kind") != "Deployment" or ref.get("name") != want["target"]:
        seen = f"{ref.get('kind')}/{ref.get('name')}"
        target = f"Deployment/{want['target']}"
        problems.append(phrase("diff.wrong", field="scaleTargetRef", seen=seen, want=target))
    for field, key in (("minReplicas", "min"), ("maxReplicas", "max")):
        if spec.get(field) != want[key]:
            problems.append(phrase("diff.wrong", field=field, seen=spec.get(field), want=want[key]))
    seen_targets = _metric_targets(spec)
    wanted_targets = {name: f"Utilization {value}" for name, value in want["metrics"].items()}
    for name, target in wanted_targets.items():
        if name not in seen_targets:
            problems.append(phrase("diff.missing", field=f"metrics.{name}", want=target))
        elif seen_targets[name] != target:
            problems.append(
                phrase("diff.wrong", field=f"metrics.{name}", seen=seen_targets[name], want=target)
            )
    for name in sorted(set(seen_targets) - set(wanted_targets)):
        problems.append(phrase("diff.extra", field=f"metrics.{name}", seen=seen_targets[name]))
    if "behavior" in want:
        problems += _behavior_problems(want["behavior"], spec.get("behavior") or {})
    return problems


def spec_as_in_lab(want: Hpa) -> Check:
    """HPA ``want["namespace"]/want["name"]`` exists and its spec has every field of ``want``:
    scaleTargetRef Deployment ``target``, ``min``/``max`` replicas, exactly the ``metrics``
    utilization targets and, when given, the ``behavior`` windows and policies.
    """
    namespace, name = want["namespace"], want["name"]

    def check(lab: Lab) -> Verdict:
        hpa = lab.cluster.get("HorizontalPodAutoscaler", name, namespace)
        params = {"hpa": f"{namespace}/{name}"}
        if hpa is None:
            return failed("cost.hpa.missing", **params)
        problems = spec_problems(hpa, want)
        if problems:
            return failed("cost.hpa.spec_wrong", problems=joined(problems, "; "), **params)
        metrics = ", ".join(f"{k} {v}%" for k, v in want["metrics"].items())
        return passed(
            "cost.hpa.spec_ok", min=want["min"], max=want["max"], metrics=metrics, **params
        )

    return named(check, f"HPA {namespace}/{name} as in the lab")


def _current(hpa: Obj) -> dict[str, int]:
    """Resource metric name → current averageUtilization (what TARGETS shows left of /)."""
    current: dict[str, int] = {}
    for metric in (hpa.get("status") or {}).get("currentMetrics") or []:
        if not isinstance(metric, Mapping) or metric.get("type") != "Resource":
            continue
        resource = metric.get("resource") or {}
        value = (resource.get("current") or {}).get("averageUtilization")
        if isinstance(value, int) and not isinstance(value, bool):
            current[str(resource.get("name"))] = value
    return current


def _scaling_active(hpa: Obj) -> dict[str, Any]:
    for condition in (hpa.get("status") or {}).get("conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == "ScalingActive":
            return dict(condition)
    return {}


def _targets_verdict(lab: Lab, want: Hpa, api_ok: bool) -> Verdict:
    namespace, name = want["namespace"], want["name"]
    hpa = lab.cluster.get("HorizontalPodAutoscaler", name, namespace)
    if hpa is None:
        return failed("cost.hpa.missing", hpa=f"{namespace}/{name}")
    current = _current(hpa)
    active = _scaling_active(hpa)
    shown = ", ".join(
        f"{metric}: {current.get(metric, '<unknown>')}{'%' if metric in current else ''}/{target}%"
        for metric, target in want["metrics"].items()
    )
    params = {
        "hpa": f"{namespace}/{name}",
        "targets": shown,
        "status": active.get("status", "Unknown"),
        "reason": active.get("reason") or "-",
        "message": active.get("message") or "-",
    }
    unknown = [m for m in want["metrics"] if m not in current]
    if not unknown and active.get("status") == "True":
        return passed("cost.hpa.targets_ok", **params)
    if not api_ok:
        # No metrics API: waiting cannot help until Step 2 is fixed.
        return failed("cost.hpa.targets_no_metrics_api", **params)
    return pending("cost.hpa.targets_unknown", **params)


def targets_reported(hpas: Sequence[Hpa], *, apiservice: str) -> Check:
    """Every HPA of ``hpas`` reports current utilization for each of its ``metrics`` and
    ScalingActive=True. While APIService ``apiservice`` (the metrics API) is not Available,
    an ``<unknown>`` target fails at once: waiting cannot help until Step 2 is fixed.
    """

    def check(lab: Lab) -> Verdict:
        api_ok, _ = api_available(lab, apiservice)
        verdicts = [_targets_verdict(lab, want, api_ok) for want in hpas]
        problem = first_problem(*verdicts)
        if problem is not None:
            return problem
        return passed(
            "cost.hpa.all_targets_ok",
            targets="; ".join(f"{v.params['hpa']} {v.params['targets']}" for v in verdicts),
        )

    return named(check, "HPA targets reported")
