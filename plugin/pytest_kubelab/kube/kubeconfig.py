"""Read the kubeconfig without contacting any cluster (for the header and messages).

A kubeconfig is hand-edited YAML, so anything can be in it: a missing or empty
file, bytes that are not UTF-8, a scalar or a list instead of a mapping, a
context entry that is a string. :func:`resolve` never raises: it returns a
:class:`Target` whose :attr:`Target.issue` says what is wrong with which file,
and ``cluster-reachable`` fails with that sentence in the student's language.

The kubernetes client runs ``exec:`` credential plugins without a timeout and
passes their stderr to the terminal; :func:`install_exec_timeout` replaces its
provider with one that stops a plugin after :data:`EXEC_TIMEOUT` seconds and
keeps the plugin's output out of everything the grader writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import timebox, yamlio
from ..catalog import render

EXEC_TIMEOUT = 10.0
MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Issue:
    """What is wrong with a kubeconfig: a catalog key under ``kubeconfig.problem.`` plus params."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        params = dict(self.params)
        if "seen" in params:  # a YAML type name, said in the student's language
            params["seen"] = render(f"type.{params['seen']}", lang)
        return render(f"kubeconfig.problem.{self.code}", lang, **params)

    def sentence(self, file: Path | None, lang: str) -> str:
        """The whole student-facing message: which file, what is wrong, what to do."""
        return render("kubeconfig.unusable", lang, file=file or "-", problem=self.render(lang))


@dataclass(frozen=True)
class Target:
    """The context a run grades, and the API server it points at."""

    kubeconfig: Path | None
    context: str | None
    server: str | None
    problem: str | None = None  # why the kubeconfig cannot be used, if it cannot
    issue: Issue | None = None  # the same, in detail: which field, what was seen


class KubeconfigProblem(Exception):
    """The kubernetes client could not use the kubeconfig; ``issue`` says why."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def _kind_of(value: Any) -> str:
    names = {dict: "mapping", list: "list", str: "string", type(None): "null", bool: "boolean"}
    return names.get(type(value), "number" if isinstance(value, int | float) else "value")


def _named(items: Any, name: str | None, section: str) -> tuple[dict[str, Any], Issue | None]:
    """The body of entry ``name`` in ``section`` (``contexts``, ``clusters``, ``users``)."""
    if items is None:
        return {}, None
    if not isinstance(items, list):
        return {}, Issue("section_type", {"section": section, "seen": _kind_of(items)})
    body_key = section.removesuffix("s")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            where = f"{section}[{index}]"
            return {}, Issue("entry_type", {"where": where, "seen": _kind_of(item)})
        if item.get("name") == name:
            body = item.get(body_key)
            if body is None:
                return {}, None
            if not isinstance(body, dict):
                where = f"{section}[{index}].{body_key}"
                return {}, Issue("entry_type", {"where": where, "seen": _kind_of(body)})
            return dict(body), None
    return {}, None


def item_key(item: dict[str, Any]) -> str:
    return next((k for k in ("context", "cluster", "user") if k in item), "")


def load_document(path: Path) -> tuple[dict[str, Any] | None, Issue | None]:
    """Parse a kubeconfig file into a mapping, or say what is wrong with it."""
    try:
        if path.is_dir():
            return None, Issue("is_directory")
        if path.exists() and not path.is_file():
            return None, Issue("not_regular")  # a FIFO or device: reading could block forever
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, Issue("missing")
    except OSError as exc:
        return None, Issue("unreadable", {"reason": exc.strerror or type(exc).__name__})
    if len(raw) > MAX_KUBECONFIG_BYTES:
        return None, Issue("too_large", {"size": len(raw)})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, Issue("not_utf8", {"offset": exc.start})
    if not text.strip():
        return None, Issue("empty")
    try:
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        return None, Issue("not_yaml", {"line": line})
    except (ValueError, RecursionError):
        return None, Issue("not_yaml", {"line": "?"})
    if data is None:
        return None, Issue("empty")
    if not isinstance(data, dict):
        return None, Issue("not_mapping", {"seen": _kind_of(data)})
    return data, None


def resolve(kubeconfig: Path | None, context: str | None) -> Target:
    """Find the context (explicit, else current) and its server in ``kubeconfig``.

    Never raises: a kubeconfig that cannot be used gives a target with ``problem``
    set (``no-kubeconfig``, ``unreadable`` or ``no-context``) and ``issue`` saying why.
    """
    if kubeconfig is None:
        return Target(None, context, None, "no-kubeconfig")
    data, issue = load_document(kubeconfig)
    if data is None:
        return Target(kubeconfig, context, None, "unreadable", issue)
    current = data.get("current-context")
    name = context or (current if isinstance(current, str) and current else None)
    if not name:
        return Target(kubeconfig, None, None, "no-context", Issue("no_current_context"))
    ctx, issue = _named(data.get("contexts"), name, "contexts")
    if issue is not None:
        return Target(kubeconfig, name, None, "unreadable", issue)
    if not ctx:
        return Target(
            kubeconfig, name, None, "no-context", Issue("unknown_context", {"name": name})
        )
    cluster, issue = _named(data.get("clusters"), ctx.get("cluster"), "clusters")
    if issue is not None:
        return Target(kubeconfig, name, None, "unreadable", issue)
    _, issue = _named(data.get("users"), ctx.get("user"), "users")
    if issue is not None:
        return Target(kubeconfig, name, None, "unreadable", issue)
    server = cluster.get("server")
    if not isinstance(server, str) or not server:
        cluster_name = ctx.get("cluster")
        issue = Issue("no_server", {"name": name, "cluster": cluster_name})
        return Target(kubeconfig, name, None, "unreadable", issue)
    return Target(kubeconfig, name, server)


# The last exec plugin failure, read by KubeApi after loading the config: the kubernetes
# client only logs such failures and carries on without credentials.
_EXEC_FAILURES: list[Issue] = []
_EXEC_LOCK = threading.Lock()


def take_exec_failure() -> Issue | None:
    """Return (and forget) the exec plugin failure recorded while loading a kubeconfig."""
    with _EXEC_LOCK:
        issue = _EXEC_FAILURES[-1] if _EXEC_FAILURES else None
        _EXEC_FAILURES.clear()
    return issue


def install_exec_timeout() -> None:
    """Make the kubernetes client run exec credential plugins with a timeout.

    The replacement behaves like the client's own provider, except that the plugin
    never talks to the terminal (no stdin, stderr captured and dropped: it may hold
    credentials or escape sequences), it is killed after :data:`EXEC_TIMEOUT`
    seconds, and failures never quote what the plugin printed.
    """
    from kubernetes.config import exec_provider, kube_config

    base: Any = exec_provider.ExecProvider
    if getattr(getattr(kube_config, "ExecProvider", None), "kubelab_timed", False):
        return

    class TimedExecProvider(base):  # type: ignore[misc]
        kubelab_timed = True

        def run(self, previous_response: Any = None) -> Any:
            from kubernetes.config.config_exception import ConfigException

            command = os.path.basename(str(self.args[0]))
            info: dict[str, Any] = {
                "apiVersion": self.api_version,
                "kind": "ExecCredential",
                "spec": {"interactive": False},
            }
            if previous_response:
                info["spec"]["response"] = previous_response
            env = dict(self.env, KUBERNETES_EXEC_INFO=json.dumps(info))
            try:
                process = subprocess.Popen(
                    self.args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=self.cwd,
                    env=env,
                    text=True,
                    start_new_session=True,  # so a timeout can stop the plugin's children too
                )
            except OSError as exc:
                return _exec_failed("exec_not_found", command, ConfigException, reason=exc.strerror)
            # Never past the run deadline either (plus the grace an exchange gets).
            left = timebox.remaining()
            timeout = EXEC_TIMEOUT if left is None else min(EXEC_TIMEOUT, left + timebox.GRACE)
            try:
                stdout, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                seconds = round(timeout, 1)
                return _exec_failed("exec_timeout", command, ConfigException, seconds=seconds)
            if process.returncode != 0:
                code = process.returncode
                return _exec_failed("exec_failed", command, ConfigException, code=code)
            try:
                data = json.loads(stdout)
                status = data["status"]
                if not isinstance(status, dict):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                return _exec_failed("exec_output", command, ConfigException)
            return status

    # kube_config imported the class by name, so its module global is what it calls.
    setattr(kube_config, "ExecProvider", TimedExecProvider)  # noqa: B010


def _exec_failed(key: str, command: str, error: type[Exception], **params: Any) -> Any:
    with _EXEC_LOCK:
        _EXEC_FAILURES.append(Issue(key, {"command": command, **params}))
    raise error(f"exec: credential plugin {command}: {key}")


def _kill(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, 9)
    except OSError:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=2)
