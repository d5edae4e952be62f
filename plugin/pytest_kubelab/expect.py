"""The generic vocabulary of checks a checkpoint test asserts with.

Each function here names what it asserts and returns a *check*: a callable that
``lab.require`` runs against the cluster, re-reads while the cluster is still
converging (up to ``--lab-wait``) and turns into a student-readable failure. A
checkpoint test then reads as its own spec, with the values from ``lab.yaml``::

    @pytest.mark.checkpoint("web.3.service")
    def test_service(lab):
        \"\"\"Service web is of type NodePort on 30090 and has ready endpoints.\"\"\"
        web = lab.expected["web"]
        lab.require(expect.service_on_nodeport(web["namespace"], web["service"], web["node_port"]))

Nothing here names a lab: every name, port and value is an argument. The messages
(``expect.*`` keys) say what was expected, what was seen and the one next command;
pods that are not ready come with their reasons (``ImagePullBackOff``, restarts) and
the failure report shows their status, events and logs.

Waiting: a state that can still change on its own (pods starting, a release being
installed, a port not answering yet) is *pending* and is re-read; what cannot change
without the student (a missing object, a wrong port, a wrong page) fails at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import probes
from .checks.nodehealth import is_control_plane, ready_condition
from .checks.workloads import release_verdict, workload_verdict
from .kube.podstatus import is_ready
from .kube.reader import ClusterReader, Obj, labels_of, name_of
from .verdict import Verdict, failed, passed, pending

if TYPE_CHECKING:
    from .lab import Lab

Check = Callable[["Lab"], Verdict]
NODEPORT_TYPES = ("NodePort", "LoadBalancer")
# How much of an unexpected page a message quotes.
EXCERPT_CHARS = 80
# A node that has been NotReady this long is broken, not booting.
NOT_READY_GRACE_SECONDS = 180


def named(check: Check, description: str) -> Check:
    """``check``, described as ``description``: what ``-v`` output and assertion rewriting show.

    Lab folders' own checks use it too, so every check reads the same way in a report::

        return expect.named(check, f"Deployment {namespace}/{name} ready")
    """
    check.__doc__ = description
    check.__qualname__ = description
    return check


def api_reachable() -> Check:
    """The API server of the graded context answers ``/version``.

    The expected context is the lab's (``lab.yaml``: ``expected.context``, or kind's
    ``kind-<cluster_name>``). Grading another context still passes, since a student may
    have renamed it, but the message warns that another cluster may be graded.
    """

    def check(lab: Lab) -> Verdict:
        version = lab.cluster.api.get_json("/version") or {}
        context = lab.target.context or ""
        expected = lab.spec.context
        other = expected is not None and context != expected
        return passed(
            "cluster.reachable_other_context" if other else "cluster.reachable",
            server=lab.target.server,
            version=version.get("gitVersion", "?"),
            context=context,
            expected_context=expected or "-",
        )

    return named(check, "API server reachable")


def namespace_exists(name: str) -> Check:
    """Namespace ``name`` exists (and is not being deleted)."""

    def check(lab: Lab) -> Verdict:
        namespace = lab.cluster.get("Namespace", name)
        if namespace is None:
            return failed("expect.namespace_missing", namespace=name)
        if (namespace.get("status") or {}).get("phase") == "Terminating":
            return failed("expect.namespace_terminating", namespace=name)
        return passed("expect.namespace_ok", namespace=name)

    return named(check, f"namespace {name} exists")


def node_counts(control_plane: int, workers: int, *, cluster_name: str | None = None) -> Check:
    """Exactly ``control_plane`` control-plane nodes and ``workers`` worker nodes.

    A node is a control-plane node when it has the ``node-role.kubernetes.io/control-plane``
    (or the older ``master``) label, as kind and kubeadm set it. ``cluster_name`` is the
    kind cluster's name, used in the command that recreates it.
    """

    def check(lab: Lab) -> Verdict:
        nodes = lab.cluster.list("Node")
        control = sorted(name_of(n) for n in nodes if is_control_plane(n))
        others = sorted(name_of(n) for n in nodes if not is_control_plane(n))
        params = {
            "want_cp": control_plane,
            "want_workers": workers,
            "cp": len(control),
            "workers": len(others),
            "names": ", ".join(control + others) or "-",
            "cluster_name": cluster_name or "kind",
        }
        if len(control) == control_plane and len(others) == workers:
            return passed("nodes.roles_ok", **params)
        return failed("nodes.roles_wrong", **params)

    return named(check, f"{control_plane} control-plane and {workers} worker nodes")


def nodes_ready() -> Check:
    """Every node reports Ready.

    A node that is NotReady is pending while it may still be booting; one that has been
    NotReady for longer than :data:`NOT_READY_GRACE_SECONDS`, or whose kubelet went
    silent (``NodeStatusUnknown``), fails at once: waiting will not bring it back.
    """

    def check(lab: Lab) -> Verdict:
        nodes = lab.cluster.list("Node")
        if not nodes:
            return failed("nodes.none")
        not_ready = []
        stuck = False
        for node in nodes:
            condition = ready_condition(node)
            if condition.get("status") == "True":
                continue
            reason = condition.get("reason") or "NotReady"
            not_ready.append(f"{name_of(node)} ({reason})")
            # NodeStatusUnknown means the kubelet was up and then went silent: a dead node
            # container, not one still booting. Otherwise judge by how long it has been so.
            stuck |= reason == "NodeStatusUnknown"
            stuck |= _age_seconds(condition.get("lastTransitionTime")) > NOT_READY_GRACE_SECONDS
        params: dict[str, Any] = {"total": len(nodes), "ready": len(nodes) - len(not_ready)}
        if not not_ready:
            return passed("nodes.ready_ok", **params)
        params["not_ready"] = ", ".join(not_ready)
        return (failed if stuck else pending)("nodes.not_ready", **params)

    return named(check, "every node Ready")


def _age_seconds(timestamp: str | None) -> float:
    if not timestamp:
        return 0.0
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (datetime.now(timezone.utc) - then).total_seconds()


def helm_release_deployed(namespace: str, name: str, install: str) -> Check:
    """Helm release ``name`` in ``namespace`` is ``deployed`` (read from Helm's own Secrets).

    ``install`` is the lab's install command, shown to the student when the release is
    missing.
    """

    def check(lab: Lab) -> Verdict:
        verdict, _ = release_verdict(lab.cluster, namespace, name, " ".join(install.split()))
        return verdict

    return named(check, f"Helm release {namespace}/{name} deployed")


def workload_ready(
    kind: str,
    namespace: str,
    name: str,
    *,
    replicas: int | None = None,
    image: str | None = None,
    release: str | None = None,
) -> Check:
    """Workload ``kind`` ``namespace/name`` exists and all its replicas are ready.

    ``kind`` is Deployment, StatefulSet or DaemonSet; readiness follows the controller's
    own status, as ``kubectl rollout status`` does. With ``replicas``, the spec must ask
    for exactly that many; with ``image``, one container must run that image (Docker
    Hub's implicit ``docker.io/library/`` prefix ignored). ``release`` names the Helm
    release that installs it (a missing workload then points at Helm; without it, at
    ``kubectl apply``).
    """

    def check(lab: Lab) -> Verdict:
        obj = lab.cluster.get(kind, name, namespace)
        where = f"{kind} {namespace}/{name}"
        if obj is not None:
            spec = obj.get("spec") or {}
            wanted = spec.get("replicas", 1)
            if replicas is not None and kind != "DaemonSet" and wanted != replicas:
                return failed("expect.replicas_wrong", workload=where, want=replicas, seen=wanted)
            if image is not None and not _runs_image(spec, image):
                seen = ", ".join(_images(spec)) or "-"
                return failed("expect.image_wrong", workload=where, want=image, seen=seen)
        return workload_verdict(lab.cluster, kind, namespace, name, release_name=release)

    return named(check, f"{kind} {namespace}/{name} ready")


def service_on_nodeport(namespace: str, name: str, node_port: int) -> Check:
    """Service ``namespace/name`` is of type NodePort on ``node_port`` and has ready endpoints.

    A selector that matches no pod is named with the labels the pods really have; pods
    that exist but are not ready yet make the check wait.
    """

    def check(lab: Lab) -> Verdict:
        service = lab.cluster.get("Service", name, namespace)
        where = f"Service {namespace}/{name}"
        if service is None:
            return failed("expect.service_missing", service=where, namespace=namespace)
        spec = service.get("spec") or {}
        kind = spec.get("type", "ClusterIP")
        if kind not in NODEPORT_TYPES:
            return failed("expect.service_not_nodeport", service=where, type=kind, port=node_port)
        node_ports = [int(p["nodePort"]) for p in spec.get("ports") or [] if p.get("nodePort")]
        if node_port not in node_ports:
            seen = ", ".join(str(p) for p in node_ports) or "-"
            return failed("expect.service_wrong_nodeport", service=where, port=node_port, seen=seen)
        selector = {str(k): str(v) for k, v in (spec.get("selector") or {}).items()}
        shown = ",".join(f"{k}={v}" for k, v in selector.items()) or "-"
        selected = lab.cluster.list("Pod", namespace, selector) if selector else []
        if not selected:
            labels = sorted({_pod_labels(p) for p in lab.cluster.list("Pod", namespace)} - {""})
            return failed(
                "expect.selector_matches_nothing",
                service=where,
                selector=shown,
                namespace=namespace,
                labels="; ".join(labels) or "-",
            )
        ready = ready_endpoints(lab.cluster, namespace, name, selected)
        if ready == 0:
            return pending("expect.service_no_ready_pods", service=where, selector=shown)
        names = ", ".join(sorted(name_of(p) for p in selected if is_ready(p)))
        return passed("expect.service_ok", service=where, port=node_port, ready=ready, names=names)

    return named(check, f"Service {namespace}/{name} on NodePort {node_port}")


def http_on_nodeport(
    node_port: int,
    path: str = "/",
    *,
    status: int = 200,
    contains: str | None = None,
    json_schema: Mapping[str, Any] | None = None,
) -> Check:
    """``http://<node>:<node_port><path>`` answers ``status``, with ``contains`` in the body.

    With ``json_schema`` the body must be JSON valid against that JSON Schema; the first
    violation is named with its path. A port that does not answer yet makes the check wait.
    """

    def check(lab: Lab) -> Verdict:
        url = lab.nodeports.url(node_port, path)
        shown = f"http://{lab.settings.node_address}:{node_port}{path}"
        answer = probes.http_get(url)
        if isinstance(answer, probes.NoAnswer):
            return pending("expect.http_no_answer", url=shown, reason=answer.reason)
        excerpt = " ".join(answer.text.split())[:EXCERPT_CHARS] or "-"
        if answer.status != status:
            return failed(
                "expect.http_status", url=shown, want=status, seen=answer.status, excerpt=excerpt
            )
        if contains is not None and contains not in answer.text:
            return failed("expect.http_content", url=shown, want=contains, excerpt=excerpt)
        if json_schema is not None:
            try:
                document = json.loads(answer.text)
            except ValueError:
                return failed("expect.http_not_json", url=shown, excerpt=excerpt)
            problem = schema_problem(document, json_schema)
            if problem is not None:
                return failed("expect.http_schema", url=shown, problem=problem)
        return passed("expect.http_ok", url=shown, status=answer.status)

    return named(check, f"HTTP {status} on NodePort {node_port}{path}")


def schema_problem(document: Any, schema: Mapping[str, Any]) -> str | None:
    """The first way ``document`` violates JSON Schema ``schema`` (``path: reason``), or None."""
    # jsonschema is imported only when a schema is checked: it costs start-up time.
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    error = jsonschema.exceptions.best_match(validator_class(schema).iter_errors(document))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def ready_endpoints(
    cluster: ClusterReader, namespace: str, service: str, selected: list[Obj]
) -> int:
    """How many ready addresses the Service has, as kube-proxy sees them.

    Endpoints is deprecated since Kubernetes 1.33 in favour of EndpointSlices; read
    Endpoints first (still served everywhere), then the Service's slices, and only when
    the API serves neither, count the Ready pods the selector picks, as the controller would.
    """
    endpoints = cluster.get("Endpoints", service, namespace)
    if endpoints is not None:
        return sum(len(s.get("addresses") or []) for s in endpoints.get("subsets") or [])
    slices = cluster.list("EndpointSlice", namespace, {"kubernetes.io/service-name": service})
    if slices:
        return sum(
            1
            for piece in slices
            for endpoint in piece.get("endpoints") or []
            if (endpoint.get("conditions") or {}).get("ready", True)
        )
    served = cluster.exists("Endpoints", namespace) or cluster.exists("EndpointSlice", namespace)
    return 0 if served else sum(1 for pod in selected if is_ready(pod))


DEFAULT_REGISTRY_PREFIXES = ("docker.io/library/", "docker.io/", "index.docker.io/library/")


def normal_image(image: str) -> str:
    """An image reference without Docker Hub's implicit prefixes (``nginx:1.27``)."""
    for prefix in DEFAULT_REGISTRY_PREFIXES:
        if image.startswith(prefix):
            return image[len(prefix) :]
    return image


def _images(spec: Mapping[str, Any]) -> list[str]:
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return [str(c.get("image", "?")) for c in containers]


def _runs_image(spec: Mapping[str, Any], image: str) -> bool:
    return any(normal_image(seen) == normal_image(image) for seen in _images(spec))


def _pod_labels(pod: Obj) -> str:
    # pod-template-hash is the ReplicaSet's own label, never what a Service should select.
    return ",".join(
        f"{k}={v}" for k, v in sorted(labels_of(pod).items()) if k != "pod-template-hash"
    )
