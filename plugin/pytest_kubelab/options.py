"""Command-line options of the ``kubelab`` group and their validated settings.

Every option can also come from an environment variable or an ini key, in this
order of precedence: command line, environment, ini file, built-in default.
pytest-kind-ng already owns ``--kubeconfig``, ``--cluster-name``,
``--keep-cluster``, ``--kind-bin`` and ``--kind-image``; they are read, never
redefined, because pytest aborts on a duplicate option.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from .catalog import LANGUAGES

GROUP = "kubelab"
DEFAULT_WAIT = 120.0
DEFAULT_DEADLINE = 900.0
DEFAULT_NODE_ADDRESS = "localhost"


@dataclass(frozen=True)
class _Option:
    flag: str
    dest: str
    env: str
    ini: str | None
    metavar: str
    help: str


_OPTIONS = (
    _Option(
        "--kube-context",
        "kube_context",
        "KUBELAB_CONTEXT",
        "kubelab_context",
        "NAME",
        "Kubeconfig context to grade (default: the kubeconfig's current context)",
    ),
    _Option(
        "--node-address",
        "node_address",
        "KUBELAB_NODE_ADDRESS",
        "kubelab_node_address",
        "HOST",
        "Host where NodePorts answer (default: localhost, as kind's extraPortMappings give)",
    ),
    _Option(
        "--lab-wait",
        "lab_wait",
        "KUBELAB_WAIT",
        "kubelab_wait",
        "SECONDS",
        "Longest wait per checkpoint for something still starting (default: 120; 0 = never wait)",
    ),
    _Option(
        "--lab-deadline",
        "lab_deadline",
        "KUBELAB_DEADLINE",
        "kubelab_deadline",
        "SECONDS",
        "Run-wide time budget; after it, checkpoints stop waiting (default: 900)",
    ),
    _Option(
        "--lab-lang",
        "lab_lang",
        "KUBELAB_LANG",
        "kubelab_lang",
        "ko|en",
        "Language of student messages (default: ko)",
    ),
    _Option(
        "--grade-json",
        "grade_json",
        "KUBELAB_GRADE_JSON",
        None,
        "PATH",
        "Write the grade (score, checkpoints, messages) as JSON to PATH",
    ),
    _Option(
        "--lab-sim",
        "lab_sim",
        "KUBELAB_SIM",
        None,
        "SCENARIO",
        "Grade the built-in simulated lab cluster SCENARIO instead of a real cluster "
        "(e.g. complete, fresh)",
    ),
    _Option(
        "--lab-diagnostics",
        "lab_diagnostics",
        "KUBELAB_DIAGNOSTICS",
        "kubelab_diagnostics",
        "on|off",
        "Attach pod status, Warning events and log tails to failed checkpoints (default: on)",
    ),
    # Class grading: where each NodePort of this student's cluster answers, and who it is.
    _Option(
        "--nodeport-map",
        "nodeport_map",
        "KUBELAB_NODEPORT_MAP",
        "kubelab_nodeport_map",
        "PORT=HOST:PORT,...",
        "Where single NodePorts answer, e.g. 30090=10.0.0.5:30090,30091=127.0.0.1:18091 "
        "(an SSH tunnel); NodePorts not listed answer at --node-address",
    ),
    _Option(
        "--lab-student",
        "lab_student",
        "KUBELAB_STUDENT",
        None,
        "NAME",
        "Name of the graded student, recorded in the grade JSON (default: none)",
    ),
)


def add_options(parser: pytest.Parser) -> None:
    """Register the ``kubelab`` option group and its ini twins."""
    group = parser.getgroup(GROUP, "kubelab: grade the Week 4 Day 5 Lab 1 Kubernetes lab")
    for option in _OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            metavar=option.metavar,
            default=None,
            help=f"{option.help}. Env: {option.env}",
        )
        if option.ini:
            parser.addini(option.ini, help=option.help, default=None)


@dataclass(frozen=True)
class LabSettings:
    """Validated settings for one pytest run."""

    kubeconfig: Path | None
    context: str | None
    node_address: str
    wait: float
    deadline: float
    lang: str
    grade_json: Path | None
    sim: str | None
    diagnostics: bool = True
    # nodePort -> (host, port) where it answers instead of node_address:nodePort.
    nodeport_map: tuple[tuple[int, str, int], ...] = ()
    student: str | None = None


def _raw(config: pytest.Config, dest: str) -> str | None:
    option = next(o for o in _OPTIONS if o.dest == dest)
    value = config.getoption(dest, default=None)
    if value is None:
        value = os.environ.get(option.env) or None
    if value is None and option.ini:
        value = config.getini(option.ini) or None
    return None if value is None else str(value)


def _seconds(config: pytest.Config, dest: str, flag: str, default: float) -> float:
    raw = _raw(config, dest)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise pytest.UsageError(f"{flag} accepts a number of seconds >= 0 (got {raw!r})")
    return value


def _kubeconfig(config: pytest.Config) -> Path | None:
    # The kubernetes client reads $KUBECONFIG only at import, so resolve it here and
    # always hand the client an explicit path.
    explicit = config.getoption("kubeconfig", default=None)
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("KUBECONFIG")
    if env:
        return Path(env.split(os.pathsep)[0]).expanduser()
    default = Path("~/.kube/config").expanduser()
    return default if default.exists() else None


def parse_nodeport_map(raw: str, default_host: str) -> tuple[tuple[int, str, int], ...]:
    """Parse ``30090=HOST:PORT,30091=PORT`` (a bare PORT answers at ``default_host``).

    Raises ``ValueError`` with a sentence saying what is accepted.
    """
    entries: dict[int, tuple[str, int]] = {}
    for part in (p.strip() for p in raw.replace(";", ",").split(",")):
        if not part:
            continue
        node_port, sep, where = part.partition("=")
        host, colon, port = where.strip().rpartition(":")
        if not colon:
            host, port = default_host, where.strip()
        host = host.strip().removeprefix("[").removesuffix("]")  # [::1]:8080
        try:
            key, value = int(node_port), int(port)
        except ValueError:
            key = value = -1
        if not sep or not host or any(ch in host for ch in "/ ?#") or key <= 0 or value <= 0:
            raise ValueError(
                "--nodeport-map accepts NODEPORT=HOST:PORT entries separated by commas, "
                f"e.g. 30090=10.0.0.5:30090,30091=127.0.0.1:18091 (got {part!r})"
            )
        entries[key] = (host, value)
    return tuple((key, host, port) for key, (host, port) in sorted(entries.items()))


def read_settings(config: pytest.Config) -> LabSettings:
    """Validate every kubelab option; a bad value raises ``pytest.UsageError``."""
    lang = (_raw(config, "lab_lang") or "ko").lower()
    if lang not in LANGUAGES:
        raise pytest.UsageError(f"--lab-lang accepts {' or '.join(LANGUAGES)} (got {lang!r})")
    node_address = _raw(config, "node_address") or DEFAULT_NODE_ADDRESS
    if any(ch in node_address for ch in "/ ?#"):
        raise pytest.UsageError(
            f"--node-address accepts a host name or IP address, without scheme or path "
            f"(got {node_address!r})"
        )
    grade_json = _raw(config, "grade_json")
    diagnostics = (_raw(config, "lab_diagnostics") or "on").lower()
    if diagnostics not in ("on", "off"):
        raise pytest.UsageError(f"--lab-diagnostics accepts on or off (got {diagnostics!r})")
    try:
        nodeport_map = parse_nodeport_map(_raw(config, "nodeport_map") or "", node_address)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    return LabSettings(
        kubeconfig=_kubeconfig(config),
        context=_raw(config, "kube_context"),
        node_address=node_address,
        wait=_seconds(config, "lab_wait", "--lab-wait", DEFAULT_WAIT),
        deadline=_seconds(config, "lab_deadline", "--lab-deadline", DEFAULT_DEADLINE),
        lang=lang,
        grade_json=Path(grade_json) if grade_json else None,
        sim=_raw(config, "lab_sim"),
        diagnostics=diagnostics == "on",
        nodeport_map=nodeport_map,
        student=_raw(config, "lab_student"),
    )
