"""Jaeger's service list: ``/api/v3/services`` (``{"services":[…]}``) or the older
``/api/services`` (``{"data":[…]}``), removed upstream after v2.20."""

from __future__ import annotations

from . import ANSWER, MalformedAnswer, load_json, mapping, sequence


def read_services(text: str) -> list[str]:
    """The service names of either answer shape."""
    body = mapping(load_json(text), ANSWER)
    if "services" in body:
        names = sequence(body["services"] or [], "services")
    elif "data" in body:
        errors = body.get("errors")
        if errors:
            raise MalformedAnswer("errors", errors=str(errors)[:80])
        names = sequence(body["data"] or [], "data")
    else:
        raise MalformedAnswer("no_services")
    if not all(isinstance(name, str) for name in names):
        raise MalformedAnswer("service_not_string")
    return [str(name) for name in names]
