"""Step 6: cost per namespace from Kubecost, and the lab's right-sizing suggestion.

The allocation answer is validated and merged by :mod:`pytest_kubelab.allocation`;
right-sizing follows the lab's rule (request = usage x 1.5, limit = 2 x request)
and shows Kubecost's own recommendations beside it when its savings API answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import allocation
from ..catalog import render
from ..kubeapi import KubeApiError
from ..quantity import format_cpu, format_memory, parse_quantity
from ..verdict import Verdict, failed, passed, pending, with_details
from .http_answers import body_excerpt, missing_service
from .metrics_server import Usage, deployment_pods_usage

if TYPE_CHECKING:
    from ..lab import Lab


def _query(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in raw.items()]


def _money(value: float | None) -> str:
    return "null" if value is None else f"${value:.4f}"


def allocation_api(lab: Lab) -> Verdict:
    """/model/allocation?window=7d&aggregate=namespace has costs for the three namespaces."""
    want = lab.expected["kubecost"]
    namespace, service = want["namespace"], want["ui_service"]
    path, query = want["allocation"]["path"], _query(want["allocation"]["query"])
    url = f"{service}{path}?" + "&".join(f"{k}={v}" for k, v in query)
    answer = lab.cluster.proxy(namespace, service, path, query)
    absent = missing_service(answer, namespace, service, want["release"])
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
    wanted = [app["namespace"] for app in lab.expected["apps"]]
    seen = ", ".join(sorted(costs)) or "-"
    missing = [ns for ns in wanted if ns not in costs]
    if missing:
        return pending(
            "cost.allocation_missing", url=url, missing=", ".join(missing), seen=seen, sets=sets
        )
    bad = []
    for ns in wanted:
        for field in allocation.COST_FIELDS:
            value = costs[ns].value(field)
            if value is None or value < 0:
                bad.append(f"{ns}.{field}={'null' if value is None else value}")
    if bad:
        return failed("cost.allocation_values", url=url, problems=", ".join(bad), sets=sets)
    rows = tuple(
        f"{ns}: cpuCost {_money(costs[ns].value('cpuCost'))}, "
        f"ramCost {_money(costs[ns].value('ramCost'))}, "
        f"totalCost {_money(costs[ns].value('totalCost'))}"
        for ns in wanted
    )
    verdict = passed("cost.allocation_ok", sets=sets, costs="; ".join(rows))
    return Verdict(verdict.state, verdict.key, verdict.params, rows)


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


def _kubecost_recommendations(lab: Lab) -> dict[tuple[str, str], str]:
    """(namespace, controller) → "cpu/memory" from /model/savings/requestSizingV2, if it answers."""
    want = lab.expected["kubecost"]
    try:
        answer = lab.cluster.proxy(
            want["namespace"],
            want["ui_service"],
            want["savings_path"],
            _query(want.get("savings_query") or {}),
        )
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


def rightsizing(lab: Lab) -> Verdict:
    """Requests vs average usage per lab Deployment, with the lab's suggested resources."""
    factors = lab.expected["rightsizing"]
    request_factor = Decimal(str(factors["request_factor"]))
    limit_factor = Decimal(str(factors["limit_factor"]))
    floor = Usage(
        parse_quantity(str(factors["min_request"]["cpu"])),
        parse_quantity(str(factors["min_request"]["memory"])),
    )
    recommendations = _kubecost_recommendations(lab)
    rows = [render("cost.rightsizing.header", lab.settings.lang)]
    missing = []
    for app in lab.expected["apps"]:
        namespace, name = app["namespace"], app["deployment"]
        found = deployment_pods_usage(lab, namespace, name)
        if isinstance(found, Verdict):
            return found
        pods, usage = found
        known = [u for u in usage.values() if u is not None]
        if not pods or len(known) < len(pods):
            missing.append(f"{namespace}/{name}")
            continue
        average = Usage(
            sum((u.cpu for u in known), Decimal(0)) / len(known),
            sum((u.memory for u in known), Decimal(0)) / len(known),
        )
        request = Usage(
            max(average.cpu * request_factor, floor.cpu),
            max(average.memory * request_factor, floor.memory),
        )
        limit = Usage(request.cpu * limit_factor, request.memory * limit_factor)
        current = _requests(lab, namespace, name)
        rows.append(
            f"{namespace}/{name} | {current.describe() if current else '?'} | "
            f"{average.describe()} | {format_cpu(request.cpu)}/{format_memory(request.memory)}"
            f" | {format_cpu(limit.cpu)}/{format_memory(limit.memory)}"
            f" | {recommendations.get((namespace, name), '-')}"
        )
    if missing:
        return pending("cost.rightsizing_no_usage", missing=", ".join(missing))
    return with_details(passed("cost.rightsizing_ok", table=" || ".join(rows[1:])), tuple(rows))
