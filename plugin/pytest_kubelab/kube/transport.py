"""Read-only transport to the Kubernetes API server, built on the official client.

Requests go through ``ApiClient.param_serialize`` and ``ApiClient.call_api``
rather than the generated ``CoreV1Api`` methods, for three reasons:

* the generated methods validate every call with pydantic, which costs about a
  second on the first call of a process (measured with kubernetes 37.x);
* ``connect_get_namespaced_service_proxy_with_path`` cannot carry the proxied
  request's query string (``?query=up``), and its default deserialisation returns
  a Python repr instead of JSON;
* every answer is parsed as plain JSON, so checks work on the same dicts that
  ``kubectl get -o yaml`` shows and that the simulator's scenarios contain.

Only GET exists here: grading never changes the cluster.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import tenacity

from .. import timebox
from ..catalog import render
from . import kubeconfig as kubeconfigs
from . import shapes

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
# The whole exchange (connect, headers, body) of one request, however the server trickles.
REQUEST_TOTAL = 30.0
# Bodies larger than this are cut (a LIST of 20,000 pods is about 60 MB).
MAX_BODY_BYTES = 256 * 1024 * 1024
# Answers of the lab's apps through the service proxy are small JSON or HTML pages.
PROXY_MAX_BYTES = 16 * 1024 * 1024
# Loading the kubeconfig runs exec credential plugins (each with its own timeout).
LOAD_TIMEOUT = kubeconfigs.EXEC_TIMEOUT + 5.0
RETRY_ATTEMPTS = 4
# Answers that cannot change during a run: read once and kept (each lab checks that the
# API server answers; the second check needs no second round trip). Only a 200 is kept.
RUN_CONSTANT_PATHS = frozenset({"/version"})
RETRY_AFTER_CAP = 5.0


class KubeApiError(Exception):
    """The API server answered with an error the grader cannot work around."""

    def __init__(self, status: int, reason: str, path: str) -> None:
        super().__init__(f"GET {path}: HTTP {status} {reason}")
        self.status = status
        self.reason = reason
        self.path = path


class ClusterUnreachable(KubeApiError):
    """No answer from the API server at all (refused, timed out, DNS, TLS)."""


class Forbidden(KubeApiError):
    """The credentials may not read this resource (HTTP 403)."""


class _Transient(KubeApiError):
    """A 429 or 5xx worth retrying; carries the server's Retry-After, if any."""

    def __init__(self, status: int, reason: str, path: str, retry_after: float | None) -> None:
        super().__init__(status, reason, path)
        self.retry_after = retry_after


class NotJsonAnswer(json.JSONDecodeError):
    """An answer that should be JSON is not (an HTML error page, a truncated body).

    It is a ``JSONDecodeError``, so existing ``except ValueError`` still catches it;
    ``lab.require`` turns an uncaught one into a failed verdict, because the cause is
    what the cluster answered, not a fault in the grader.
    """

    def __init__(self, error: json.JSONDecodeError, status: int, content_type: str) -> None:
        super().__init__(error.msg, error.doc, error.pos)
        self.status = status
        self.content_type = content_type
        self.excerpt = " ".join(error.doc[:80].split())


@dataclass(frozen=True)
class Answer:
    """A raw HTTP answer: status, content type and body text."""

    status: int
    content_type: str
    text: str

    def json(self) -> Any:
        """The body parsed as JSON; raises :class:`NotJsonAnswer` when it is not JSON.

        A document nested too deeply for the parser (a hostile ``[[[[…]]]]``) is
        "not JSON" too, never a ``RecursionError``.
        """
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise NotJsonAnswer(exc, self.status, self.content_type) from None
        except RecursionError:
            error = json.JSONDecodeError("nested too deeply", self.text[:200], 0)
            raise NotJsonAnswer(error, self.status, self.content_type) from None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if raw is None:
        return None
    try:
        return min(max(float(raw), 0.0), RETRY_AFTER_CAP)
    except ValueError:
        return None


def _wait_for_retry(state: tenacity.RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Transient) and error.retry_after is not None:
        return error.retry_after
    return float(min(0.05 * 2 ** (state.attempt_number - 1), 1.0))


def _stop_retrying(state: tenacity.RetryCallState) -> bool:
    # Never sleep into the run deadline: a retry that could only start after it is pointless.
    if state.attempt_number >= RETRY_ATTEMPTS:
        return True
    left = timebox.remaining()
    return left is not None and _wait_for_retry(state) >= left


def _is_status_body(text: str) -> bool:
    return '"kind":"Status"' in text.replace(" ", "")


class KubeApi:
    """A read-only Kubernetes API transport for one kubeconfig context.

    Once the server is found unreachable, every later call fails at once, so an
    absent cluster is graded in seconds instead of one timeout per checkpoint.
    """

    def __init__(self, kubeconfig: Path | None, context: str | None) -> None:
        from kubernetes import client, config  # heavy import, deferred until a lab runs
        from kubernetes.config.config_exception import ConfigException

        kubeconfigs.install_exec_timeout()
        configuration = client.Configuration()

        def load() -> None:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=str(kubeconfig) if kubeconfig else None,
                context=context,
                client_configuration=configuration,
                persist_config=False,
            )

        kubeconfigs.take_exec_failure()  # a stale failure of an earlier load is not ours
        try:
            # One second beyond the plugin's own timeout, so its clearer reason wins the race.
            timebox.run_within(timebox.budget(LOAD_TIMEOUT, "kubeconfig") + 1.0, load)
        except timebox.TimedOut as exc:
            issue = kubeconfigs.Issue("load_timeout", {"seconds": exc.seconds})
            raise kubeconfigs.KubeconfigProblem(issue) from None
        except (ConfigException, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
            failure = kubeconfigs.take_exec_failure()
            if failure is not None:
                raise kubeconfigs.KubeconfigProblem(failure) from None
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            issue = kubeconfigs.Issue("client_rejected", {"reason": reason})
            raise kubeconfigs.KubeconfigProblem(issue) from None
        failure = kubeconfigs.take_exec_failure()
        if failure is not None:  # the client only logged it and would go on without credentials
            raise kubeconfigs.KubeconfigProblem(failure)
        _trim_tokens_like_kubectl(configuration)
        if not configuration.verify_ssl:
            # The kubeconfig says insecure-skip-tls-verify, as kubectl then does silently;
            # urllib3 would print an English warning per request into the student's output.
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        # Retries are ours (bounded, Retry-After aware); urllib3 would retry silently.
        configuration.retries = False
        self._client_certificate = bool(getattr(configuration, "cert_file", None))
        self._client = client.ApiClient(configuration)
        self._start(str(configuration.host))

    def _start(self, server: str) -> None:
        """The per-run state every transport keeps (one that carries requests its own way,
        such as the self-tests' in-process one, calls this instead of ``__init__``)."""
        self.server = server
        self._unreachable: ClusterUnreachable | None = None
        self._lock = threading.Lock()
        self._constant: dict[tuple[str, str], Answer] = {}
        self.requests = 0

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]

    def get(
        self,
        path: str,
        query: Sequence[tuple[str, str]] = (),
        accept: str = "application/json",
        max_bytes: int = MAX_BODY_BYTES,
    ) -> Answer:
        """GET ``path`` and return the answer; 429/5xx are retried with bounded backoff.

        Each attempt has a total time limit (:data:`REQUEST_TOTAL`, cut to the run
        deadline), retries stop before they would sleep past the run deadline, and a
        body longer than ``max_bytes`` is cut there.
        """
        constant = path in RUN_CONSTANT_PATHS and not query
        if constant:
            with self._lock:
                kept = self._constant.get((path, accept))
            if kept is not None:
                return kept
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=_stop_retrying,
            wait=_wait_for_retry,
            reraise=True,
        )
        answer: Answer = retrying(self._get_once, path, query, accept, max_bytes)
        if constant and answer.status == 200:
            with self._lock:
                self._constant[(path, accept)] = answer
        return answer

    def get_json(self, path: str, query: Sequence[tuple[str, str]] = ()) -> dict[str, Any] | None:
        """GET an API object; ``None`` when it does not exist (404).

        Every answer of the Kubernetes API is a JSON object; anything else (a list, a
        number) raises :class:`~pytest_kubelab.kube.shapes.MalformedObject`.
        """
        answer = self.get(path, query)
        if answer.status == 404:
            return None
        if answer.status >= 400:
            raise KubeApiError(answer.status, _reason(answer), path)
        data = answer.json()
        if not isinstance(data, dict):
            raise shapes.MalformedObject(f"GET {path}", "-", "mapping", data)
        return data

    def service_proxy(
        self,
        namespace: str,
        service: str,
        path: str,
        query: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        """GET through the API server's service proxy: ``…/services/<svc>/proxy/<path>``."""
        target = quote(service, safe=":")
        proxied = quote(path.lstrip("/"), safe="/")
        full = f"/api/v1/namespaces/{namespace}/services/{target}/proxy/{proxied}"
        return self.get(full, query, accept="*/*", max_bytes=PROXY_MAX_BYTES)

    def _get_once(
        self, path: str, query: Sequence[tuple[str, str]], accept: str, max_bytes: int
    ) -> Answer:
        if self._unreachable is not None:
            raise self._unreachable
        what = timebox.describe_what("GET", path)
        limit = timebox.budget(REQUEST_TOTAL, what)
        method, url, headers, _, _ = self._client.param_serialize(
            method="GET",
            resource_path=path,
            query_params=list(query),
            header_params={"Accept": accept},
            auth_settings=["BearerToken"],
        )
        with self._lock:
            self.requests += 1
        stop_at = time.monotonic() + limit
        opened: list[Any] = []

        def exchange() -> tuple[Any, bytes]:
            response = self._client.call_api(
                method, url, header_params=headers, _request_timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
            raw = response.response  # urllib3 streams it: the kubernetes client never preloads
            opened.append(raw)
            try:
                body, _ = timebox.read_body(raw, limit=limit, stop_at=stop_at, max_bytes=max_bytes)
            finally:
                raw.release_conn()
            return response, body

        try:
            response, body = timebox.run_within(
                limit, exchange, on_timeout=lambda: [raw.shutdown() for raw in opened]
            )
        except timebox.TimedOut as exc:
            if timebox.remaining() == 0:
                raise timebox.DeadlineReached(what) from None
            reason = render("transport.timeout", timebox.run_lang(), seconds=f"{exc.seconds:g}")
            self._unreachable = ClusterUnreachable(0, reason, path)
            raise self._unreachable from None
        except Exception as exc:  # urllib3 and ApiException(status=0) both mean "no answer"
            if getattr(exc, "status", 0):
                raise
            described = _describe(exc, self._client_certificate)
            self._unreachable = ClusterUnreachable(0, described, path)
            raise self._unreachable from exc
        text = body.decode("utf-8", "replace")
        answer = Answer(int(response.status), str(response.headers.get("Content-Type", "")), text)
        if answer.status == 403 and _is_status_body(text):
            raise Forbidden(403, _reason(answer), path)
        if answer.status == 429 or (answer.status >= 500 and _is_transient_5xx(text)):
            raise _Transient(answer.status, _reason(answer), path, _retry_after(response.headers))
        return answer


def _trim_tokens_like_kubectl(configuration: Any) -> None:
    """Strip whitespace around bearer tokens, now and whenever the client refreshes them.

    kubectl trims a token; a ``tokenFile`` written with ``echo`` ends in a newline,
    which the Python client would send as is and urllib3 then refuses as a header.
    The client re-sets the token from the kubeconfig before each request (its refresh
    hook), so the trimming wraps that hook.
    """
    refresh = configuration.refresh_api_key_hook

    def trim(target: Any) -> None:
        if refresh is not None:
            refresh(target)
        for key, value in list((target.api_key or {}).items()):
            if isinstance(value, str):
                target.api_key[key] = value.strip()

    trim(configuration)
    configuration.refresh_api_key_hook = trim


def _is_transient_5xx(text: str) -> bool:
    # The API server's own 5xx carry a Status body; a proxied service with no ready
    # endpoints also answers 503 with a Status, but waiting for pods is the checks' job.
    return _is_status_body(text) and "no endpoints available" not in text


def _reason(answer: Answer) -> str:
    try:
        data = answer.json()
    except ValueError:
        return answer.text[:200]
    if isinstance(data, dict):
        return str(data.get("message") or data.get("reason") or "")[:300]
    return ""


# TLS failures by cause: (markers in OpenSSL's or urllib3's text, catalog key of the cause).
_TLS_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    # A TLS *alert* comes from the server: it refused the certificate the client showed.
    (
        (
            "alert bad certificate",
            "alert unknown ca",
            "alert certificate required",
            "alert certificate unknown",
            "alert decrypt error",
            "alert access denied",
            "certificate_required",
        ),
        "transport.tls_client_rejected",
    ),
    (
        ("hostname mismatch", "doesn't match", "does not match", "ip address mismatch"),
        "transport.tls_hostname",
    ),
    (("certificate has expired", "certificate is not yet valid"), "transport.tls_expired"),
    (
        (
            "self-signed certificate",
            "self signed certificate",
            "unable to get local issuer",
            "unable to get issuer",
            "certificate verify failed",
        ),
        "transport.tls_unknown_authority",
    ),
    (("wrong version number", "record layer failure", "http request"), "transport.tls_not_tls"),
)


def _describe(exc: Exception, client_certificate: bool = False) -> str:
    text = str(getattr(exc, "reason", None) or exc)
    lowered = text.lower()
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        for markers, key in _TLS_CAUSES:
            if any(marker in lowered for marker in markers):
                return render(key, timebox.run_lang())
        if "eof occurred" in lowered or "unexpected eof" in lowered:
            # With TLS 1.3 a server that refuses the client certificate often just hangs
            # up, and its alert is lost: say so when a client certificate was shown.
            key = "transport.tls_closed_cert" if client_certificate else "transport.tls_closed"
            return render(key, timebox.run_lang())
        return render("transport.tls_other", timebox.run_lang())
    # urllib3 nests the useful part; keep the innermost sentence short.
    for marker in ("Connection refused", "timed out", "Name or service not known"):
        if marker in text:
            return marker
    return text[:200]
