"""Clear transport errors: TLS failures name their cause, and log tails have a byte limit.

Certificates are made with the ``openssl`` command line (skipped when it is missing) and
served by an HTTPS server on 127.0.0.1 that answers ``/version``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_kubelab import timebox
from pytest_kubelab.kube.reader import LOG_LIMIT_BYTES, ClusterReader
from pytest_kubelab.kube.transport import ClusterUnreachable, KubeApi
from pytest_kubelab.sim.runtime import start

from . import tls

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Reasons are rendered in the run's language; these tests read the English ones."""
    timebox.start_run(None, "en")
    yield
    timebox.start_run(None, "ko")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    for ca in ("ca", "other-ca"):
        tls.make_ca(folder, ca, f"kubelab-test-{ca}")
    tls.issue(folder, "server", "ca", "DNS:localhost")  # not valid for 127.0.0.1
    tls.issue(folder, "client", "other-ca", "DNS:student")  # signed by a CA the server distrusts
    tls.issue(folder, "good-client", "ca", "DNS:student")
    return folder


class _Version(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        body = json.dumps({"gitVersion": "v1.31.2"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def _serve(pki: Path, client_ca: bool) -> tuple[ThreadingHTTPServer, int]:
    server = tls.serve(_Version, pki, client_ca=client_ca)
    return server, int(server.server_address[1])


@pytest.fixture
def https(pki: Path) -> Iterator[int]:
    server, port = _serve(pki, client_ca=False)
    yield port
    server.shutdown()
    server.server_close()


@pytest.fixture
def mtls(pki: Path) -> Iterator[int]:
    server, port = _serve(pki, client_ca=True)
    yield port
    server.shutdown()
    server.server_close()


def _kubeconfig(tmp_path: Path, server: str, ca: Path | None, client: str | None = None) -> Path:
    cluster: dict[str, Any] = {"server": server}
    if ca is not None:
        cluster["certificate-authority-data"] = tls.b64(ca)
    user: dict[str, Any] = {"token": "not-used-here-1234"}
    if client is not None:
        pki = ca.parent if ca is not None else tmp_path
        user = {
            "client-certificate-data": tls.b64(pki / f"{client}.crt"),
            "client-key-data": tls.b64(pki / f"{client}.key"),
        }
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "kind-lab-cluster", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "kind-lab-cluster",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _reason(path: Path) -> str:
    api = KubeApi(path, None)
    try:
        api.get_json("/version")
    except ClusterUnreachable as exc:
        return exc.reason
    finally:
        api.close()
    return "answered"


def test_a_trusted_server_answers(tmp_path: Path, pki: Path, https: int) -> None:
    path = _kubeconfig(tmp_path, f"https://localhost:{https}", pki / "ca.crt")
    assert _reason(path) == "answered"


def test_unknown_authority_is_named(tmp_path: Path, https: int) -> None:
    path = _kubeconfig(tmp_path, f"https://localhost:{https}", None)
    assert "unknown authority" in _reason(path)
    timebox.start_run(None, "ko")
    assert "알 수 없는 기관" in _reason(path)


def test_hostname_mismatch_is_named(tmp_path: Path, pki: Path, https: int) -> None:
    path = _kubeconfig(tmp_path, f"https://127.0.0.1:{https}", pki / "ca.crt")
    assert "hostname mismatch" in _reason(path)


def test_a_rejected_client_certificate_is_named(tmp_path: Path, pki: Path, mtls: int) -> None:
    path = _kubeconfig(tmp_path, f"https://localhost:{mtls}", pki / "ca.crt", client="client")
    assert "rejected the client certificate" in _reason(path)  # the alert, or a hang-up
    good = _kubeconfig(tmp_path, f"https://localhost:{mtls}", pki / "ca.crt", "good-client")
    assert _reason(good) == "answered"


def test_plain_http_server_behind_https_url_is_named(tmp_path: Path) -> None:
    with start("complete") as sim:
        path = _kubeconfig(tmp_path, sim.server_url.replace("http://", "https://"), None)
        assert "does not speak TLS" in _reason(path)


@pytest.mark.parametrize("server_honours_limit", [True, False])
def test_log_tails_have_a_byte_limit(server_honours_limit: bool) -> None:
    with start("complete") as sim:
        if not server_honours_limit:
            sim.scenario.faults["ignore_limit_bytes"] = True
        pod = "prometheus-grafana-7f8d6c9b54-x2kfp"
        sim.scenario.logs[f"monitoring/{pod}/grafana"] = "x" * (50 * 1024 * 1024)  # one line
        reader = ClusterReader(KubeApi(sim.kubeconfig, sim.scenario.context))
        started = time.monotonic()
        text = reader.logs("monitoring", pod, "grafana")
        elapsed = time.monotonic() - started
        reader.api.close()
        queries = [r.query for r in sim.state.log] if sim.state else []
    assert 0 < len(text.encode()) <= LOG_LIMIT_BYTES
    assert any(f"limitBytes={LOG_LIMIT_BYTES}" in q for q in queries)
    assert elapsed < 5
