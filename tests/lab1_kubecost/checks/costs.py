"""Step 6: cost per namespace from Kubecost, and the lab's right-sizing suggestion.

The allocation answer is validated and merged by :mod:`pytest_kubelab.readers.kubecost`
(Kubecost's daily sets summed per name); which names must have costs is this lab's.
Right-sizing follows the lab's rule (request = usage x factor, at least a floor;
limit = factor x request) and shows Kubecost's own recommendations beside it when its
savings API answers. Kubecost is read through the API server's service proxy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pytest_kubelab.catalog import render
from pytest_kubelab.checks.http_answers import body_excerpt, missing_service
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.quantity import format_cpu, format_memory, parse_quantity
from pytest_kubelab.kube.transport import KubeApiError
from pytest_kubelab.readers import kubecost as allocation
from pytest_kubelab.verdict import Verdict, failed, passed, pending, with_details

from .metrics_server import Usage, deployment_pods_usage

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab


def _query(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in raw.items()]


def _money(value: float | None) -> str:
    return "null" if value is None else f"${value:.4f}"


def allocation_has_costs(
    namespace: str,
    service: str,
    *,
    path: str,
    query: Mapping[str, Any],
    names: Sequence[str],
    release: str,
) -> Check:
    """Kubecost behind Service ``namespace/service`` answers ``path?query`` with allocation
    sets in which each of ``names`` has a numeric, non-negative cpuCost, ramCost and totalCost
    (summed over the sets). 5xx answers and names not collected yet are waited for.
    """
    pairs = _query(query)
    url = f"{service}{path}?" + "&".join(f"{k}={v}" for k, v in pairs)

    def check(lab: Lab) -> Verdict:
        answer = lab.cluster.proxy(namespace, service, path, pairs)
        absent = missing_service(answer, namespace, service, release)
        if absent is not None:
            return absent
        if answer.status != 200:
            kind = "HTML" if "html" in answer.content_type.lower() else answer.content_type or "-"
            params = {
                "url": url,
                "status": answer.status,
                "kind": kind,
                "body": body_excerpt(answer, 100),
            }
            if answer.status in (502, 503, 504):
                return pending("cost.allocation_unavailable", **params)
            return failed("cost.allocation_http", **params)
        try:
            costs, sets = allocation.summarise(answer.text)
        except allocation.AllocationError as exc:
            return failed("cost.allocation_shape", url=url, problem=exc.phrase())
        seen = ", ".join(sorted(costs)) or "-"
        missing = [name for name in names if name not in costs]
        if missing:
            return pending(
                "cost.allocation_missing", url=url, missing=", ".join(missing), seen=seen, sets=sets
            )
        bad = []
        for name in names:
            for field in allocation.COST_FIELDS:
                value = costs[name].value(field)
                if value is None or value < 0:
                    bad.append(f"{name}.{field}={'null' if value is None else value}")
        if bad:
            return failed("cost.allocation_values", url=url, problems=", ".join(bad), sets=sets)
        rows = tuple(
            f"{name}: cpuCost {_money(costs[name].value('cpuCost'))}, "
            f"ramCost {_money(costs[name].value('ramCost'))}, "
            f"totalCost {_money(costs[name].value('totalCost'))}"
            for name in names
        )
        verdict = passed("cost.allocation_ok", sets=sets, costs="; ".join(rows))
        return Verdict(verdict.state, verdict.key, verdict.params, rows)

    return named(check, f"allocation costs for {', '.join(names)}")


def _requests(lab: Lab, namespace: str, name: str) -> Usage | None:
    obj = lab.cluster.get("Deployment", name, namespace) or {}
    template = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    cpu, memory = Decimal(0), Decimal(0)
    for container in template.get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        try:
            cpu += parse_quantity(str(requests.get("cpu", "0")))
            memory += parse_quantity(str(requests.get("memory", "0")))
        except ValueError:
            return None
    return Usage(cpu, memory)


def _kubecost_recommendations(
    lab: Lab, namespace: str, service: str, path: str, query: Mapping[str, Any]
) -> dict[tuple[str, str], str]:
    """(namespace, controller) → "cpu/memory" from Kubecost's savings API, if it answers."""
    try:
        answer = lab.cluster.proxy(namespace, service, path, _query(query))
        data = answer.json() if answer.status == 200 else []
    except (KubeApiError, ValueError):  # optional extra: a failure leaves the column empty
        return {}
    found: dict[tuple[str, str], str] = {}
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, Mapping):
            continue
        request = item.get("recommendedRequest") or {}
        if isinstance(request, Mapping):
            key = (str(item.get("namespace")), str(item.get("controllerName")))
            found[key] = f"{request.get('cpu', '?')}/{request.get('memory', '?')}"
    return found


def rightsizing_table(
    apps: Sequence[Mapping[str, Any]],
    *,
    request_factor: str,
    limit_factor: str,
    min_request: Mapping[str, str],
    namespace: str,
    service: str,
    savings_path: str,
    savings_query: Mapping[str, Any],
) -> Check:
    """Every app's ``deployment`` (in its ``namespace``) has usage for all its pods; the pass
    message is the table: requests, average usage per pod, the suggested request (average x
    ``request_factor``, at least ``min_request``) and limit (request x ``limit_factor``),
    and Kubecost's recommendation from ``savings_path`` on Service ``namespace/service``.
    """
    request_times = Decimal(str(request_factor))
    limit_times = Decimal(str(limit_factor))
    floor = Usage(
        parse_quantity(str(min_request["cpu"])), parse_quantity(str(min_request["memory"]))
    )
    rule = {
        "request_factor": request_factor,
        "limit_factor": limit_factor,
        "floor": f"{min_request['cpu']}/{min_request['memory']}",
    }

    def check(lab: Lab) -> Verdict:
        recommendations = _kubecost_recommendations(
            lab, namespace, service, savings_path, savings_query
        )
        rows = [render("cost.rightsizing.header", lab.settings.lang)]
        missing = []
        for app in apps:
            app_namespace, name = app["namespace"], app["deployment"]
            found = deployment_pods_usage(lab, app_namespace, name)
            if isinstance(found, Verdict):
                return found
            pods, usage = found
            known = [u for u in usage.values() if u is not None]
            if not pods or len(known) < len(pods):
                missing.append(f"{app_namespace}/{name}")
                continue
            average = Usage(
                sum((u.cpu for u in known), Decimal(0)) / len(known),
                sum((u.memory for u in known), Decimal(0)) / len(known),
            )
            request = Usage(
                max(average.cpu * request_times, floor.cpu),
                max(average.memory * request_times, floor.memory),
            )
            limit = Usage(request.cpu * limit_times, request.memory * limit_times)
            current = _requests(lab, app_namespace, name)
            rows.append(
                f"{app_namespace}/{name} | {current.describe() if current else '?'} | "
                f"{average.describe()} | {format_cpu(request.cpu)}/{format_memory(request.memory)}"
                f" | {format_cpu(limit.cpu)}/{format_memory(limit.memory)}"
                f" | {recommendations.get((app_namespace, name), '-')}"
            )
        if missing:
            return pending("cost.rightsizing_no_usage", missing=", ".join(missing))
        passing = passed("cost.rightsizing_ok", table=" || ".join(rows[1:]), **rule)
        return with_details(passing, tuple(rows))

    return named(check, "right-sizing table")
