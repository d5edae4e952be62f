"""Step 5: the two HPAs' specs, and whether they can read their metrics.

Status is read from JSON (``status.currentMetrics`` and conditions), never from the
``kubectl get hpa`` table whose TARGETS format changed across versions (chart-facts 7.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..catalog import Phrase, joined, phrase
from ..cluster import Obj
from ..verdict import Verdict, failed, first_problem, passed, pending
from .metrics_server import metrics_api_available

if TYPE_CHECKING:
    from ..lab import Lab


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


def spec_problems(hpa: Obj, want: Mapping[str, Any]) -> list[Phrase]:
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


def _hpa_spec(lab: Lab, which: str) -> Verdict:
    want = lab.expected["hpas"][which]
    namespace, name = want["namespace"], want["name"]
    hpa = lab.cluster.get("HorizontalPodAutoscaler", name, namespace)
    params = {"hpa": f"{namespace}/{name}"}
    if hpa is None:
        return failed("cost.hpa.missing", **params)
    problems = spec_problems(hpa, want)
    if problems:
        return failed("cost.hpa.spec_wrong", problems=joined(problems, "; "), **params)
    metrics = ", ".join(f"{k} {v}%" for k, v in want["metrics"].items())
    return passed("cost.hpa.spec_ok", min=want["min"], max=want["max"], metrics=metrics, **params)


def hpa_production(lab: Lab) -> Verdict:
    return _hpa_spec(lab, "production")


def hpa_staging(lab: Lab) -> Verdict:
    return _hpa_spec(lab, "staging")


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


def _targets_verdict(lab: Lab, want: Mapping[str, Any], api_ok: bool) -> Verdict:
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


def hpa_targets(lab: Lab) -> Verdict:
    """Both HPAs report current utilization for every metric and ScalingActive=True."""
    api_ok, _ = metrics_api_available(lab)
    verdicts = [_targets_verdict(lab, want, api_ok) for want in lab.expected["hpas"].values()]
    problem = first_problem(*verdicts)
    if problem is not None:
        return problem
    return passed(
        "cost.hpa.all_targets_ok",
        targets="; ".join(f"{v.params['hpa']} {v.params['targets']}" for v in verdicts),
    )
