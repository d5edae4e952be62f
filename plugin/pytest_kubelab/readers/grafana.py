"""Grafana HTTP API answers: ``/api/health``, ``/api/datasources``, datasource health
and ``/api/search``."""

from __future__ import annotations

from dataclasses import dataclass

from . import ANSWER, MalformedAnswer, load_json, mapping, part, sequence


@dataclass(frozen=True)
class Datasource:
    uid: str
    name: str
    type: str
    is_default: bool


def read_health(text: str) -> str:
    """The ``database`` field of ``/api/health`` ("ok" when healthy)."""
    body = mapping(load_json(text), ANSWER)
    database = body.get("database")
    if not isinstance(database, str):
        raise MalformedAnswer("no_field", field="database")
    return database


def read_datasources(text: str) -> list[Datasource]:
    found = []
    for raw in sequence(load_json(text), ANSWER):
        entry = mapping(raw, part("datasource"))
        if not isinstance(entry.get("type"), str) or not isinstance(entry.get("name"), str):
            raise MalformedAnswer("datasource_incomplete")
        found.append(
            Datasource(
                uid=str(entry.get("uid") or ""),
                name=entry["name"],
                type=entry["type"],
                is_default=entry.get("isDefault") is True,
            )
        )
    return found


def read_datasource_health(text: str) -> tuple[bool, str]:
    """(healthy?, message) from ``/api/datasources/uid/<uid>/health``."""
    body = mapping(load_json(text), ANSWER)
    status = body.get("status")
    if not isinstance(status, str):
        raise MalformedAnswer("no_field", field="status")
    return status.upper() == "OK", str(body.get("message") or "")


def read_dashboard_titles(text: str) -> list[str]:
    """Titles of the dashboards in a ``/api/search?type=dash-db`` answer."""
    titles = []
    for raw in sequence(load_json(text), ANSWER):
        entry = mapping(raw, part("search_hit"))
        if entry.get("type", "dash-db") != "dash-db":
            continue
        title = entry.get("title")
        if not isinstance(title, str):
            raise MalformedAnswer("dashboard_untitled")
        titles.append(title)
    return titles
