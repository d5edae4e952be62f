"""Who is graded, and how each student's cluster is reached: kubeconfigs or a class file.

A class file lists one student per entry, in YAML::

    - student: alice
      kubeconfig: kubeconfigs/alice.yaml     # relative to the class file
      context: kind-webapp-lab              # optional: the kubeconfig's current context
      node_address: 10.0.0.11                # optional: where NodePorts answer
      nodeport_map: {30090: "127.0.0.1:18090", 30091: "127.0.0.1:18091"}   # optional
    - student: bob
      kubeconfig: /srv/class/bob.kubeconfig

(or ``students:`` holding that list), or in CSV with a header row::

    student,kubeconfig,context,node_address,nodeport_map
    alice,kubeconfigs/alice.yaml,,10.0.0.11,30090=127.0.0.1:18090;30091=127.0.0.1:18091

Only ``kubeconfig`` is required; ``student`` defaults to the kubeconfig's file stem.
``nodeport_map`` takes the form of ``--nodeport-map`` (in CSV, entries are separated by
``;``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import yamlio
from ..options import parse_nodeport_map


class RosterError(Exception):
    """The class file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Student:
    """One student to grade and how to reach their cluster."""

    name: str
    kubeconfig: Path
    context: str | None = None
    node_address: str | None = None
    nodeport_map: str | None = None  # as --nodeport-map takes it

    @property
    def folder(self) -> str:
        """A safe folder name for the student's files (letters, digits, ``._-``)."""
        return re.sub(r"[^\w.-]", "_", self.name).strip("._") or "student"


def from_kubeconfigs(paths: Iterable[Path]) -> list[Student]:
    """One student per kubeconfig, named after the file (``alice.kubeconfig`` → alice)."""
    return unique([Student(_stem(path), path.expanduser().absolute()) for path in paths])


def load_class_file(path: Path) -> list[Student]:
    """Read a YAML or CSV class file (see the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the class file ({exc.strerror})") from None
    if path.suffix.lower() == ".csv":
        entries: list[Any] = list(csv.DictReader(text.splitlines()))
    else:
        try:
            data = yamlio.load(text)
        except Exception as exc:  # yaml.YAMLError and friends
            raise RosterError(f"{path}: not valid YAML: {exc}") from None
        if isinstance(data, Mapping):
            data = data.get("students")
        if not isinstance(data, list):
            raise RosterError(f"{path}: expected a list of students (or 'students:' holding one)")
        entries = data
    base = path.parent
    return unique([_student(entry, base, f"{path}: entry {n}") for n, entry in enumerate(entries)])


def unique(students: list[Student]) -> list[Student]:
    """Make student names unique (a second alice becomes alice-2)."""
    seen: dict[str, int] = {}
    result = []
    for student in students:
        count = seen.get(student.folder, 0) + 1
        seen[student.folder] = count
        if count > 1:
            student = Student(
                f"{student.name}-{count}",
                student.kubeconfig,
                student.context,
                student.node_address,
                student.nodeport_map,
            )
        result.append(student)
    return result


def _student(entry: Any, base: Path, where: str) -> Student:
    if not isinstance(entry, Mapping):
        raise RosterError(f"{where}: expected a mapping with at least 'kubeconfig'")
    fields = {str(k).strip().lower().replace("-", "_"): v for k, v in entry.items()}
    raw_path = str(fields.get("kubeconfig") or "").strip()
    if not raw_path:
        raise RosterError(f"{where}: 'kubeconfig' is missing")
    kubeconfig = Path(raw_path).expanduser()
    if not kubeconfig.is_absolute():
        kubeconfig = (base / kubeconfig).absolute()
    name = str(fields.get("student") or fields.get("name") or "").strip() or _stem(kubeconfig)
    node_address = _text(fields.get("node_address"))
    nodeport_map = _nodeport_map(fields.get("nodeport_map"), where)
    if nodeport_map is not None:
        try:
            parse_nodeport_map(nodeport_map, node_address or "localhost")
        except ValueError as exc:
            raise RosterError(f"{where}: {exc}") from None
    return Student(name, kubeconfig, _text(fields.get("context")), node_address, nodeport_map)


def _nodeport_map(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return ",".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (str, int)):
        return str(value).replace(";", ",").replace(" ", "")
    raise RosterError(f"{where}: 'nodeport_map' must be a mapping or NODEPORT=HOST:PORT,...")


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".kubeconfig", ".yaml", ".yml", ".conf", ".config"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return path.stem or name
