"""Every way a kubeconfig can say where the API server is and who the student is.

The kubernetes client reads the kubeconfig (contexts, credential plugins); the grader's
transport must then carry what it says on every GET. Each test writes one kubeconfig
form, points it at a small server on 127.0.0.1 that records what each request
brought (bearer token, client certificate, the proxy's request line) and checks that
a ``/version`` read both answers and arrived with that credential.

Certificates are made with the ``openssl`` command line (skipped when it is missing).
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_kubelab.kube.transport import KubeApi

from . import tls

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

TOKEN = "kubelab-forms-token-7c1e"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate ``CN=student``."""
    folder = tmp_path_factory.mktemp("pki")
    tls.make_ca(folder, "ca", "kubelab-forms-ca")
    tls.issue(folder, "server", "ca", "IP:127.0.0.1")
    tls.issue(folder, "client", "ca", "DNS:student", common_name="student")
    return folder


@dataclass
class Seen:
    """What the test server saw of each request."""

    requests: list[dict[str, Any]] = field(default_factory=list)


def _handler(seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            peer = None
            getpeercert = getattr(self.connection, "getpeercert", None)
            if getpeercert is not None:
                cert = getpeercert() or {}
                peer = dict(item[0] for item in cert.get("subject", ())).get("commonName")
            seen.requests.append(
                {
                    "line": self.requestline,
                    "authorization": self.headers.get("Authorization"),
                    "client_cn": peer,
                }
            )
            body = json.dumps({"gitVersion": "v1.31.2"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Recorder


@dataclass
class Server:
    url: str
    seen: Seen


def _serve(pki: Path | None, *, client_ca: bool = False) -> tuple[ThreadingHTTPServer, Server]:
    seen = Seen()
    server = tls.serve(_handler(seen), pki, client_ca=client_ca)
    scheme = "https" if pki is not None else "http"
    return server, Server(f"{scheme}://127.0.0.1:{server.server_address[1]}", seen)


@pytest.fixture
def https(pki: Path) -> Iterator[Server]:
    server, info = _serve(pki)
    yield info
    server.shutdown()
    server.server_close()


@pytest.fixture
def mtls(pki: Path) -> Iterator[Server]:
    server, info = _serve(pki, client_ca=True)
    yield info
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy() -> Iterator[Server]:
    """A plain HTTP proxy stand-in: it answers itself and records the absolute request line."""
    server, info = _serve(None)
    yield info
    server.shutdown()
    server.server_close()


def _write(tmp_path: Path, cluster: dict[str, Any], user: dict[str, Any]) -> Path:
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


def _version(path: Path) -> dict[str, Any] | None:
    api = KubeApi(path, None)
    try:
        return api.get_json("/version")
    finally:
        api.close()


def test_client_certificate_and_key_as_files(tmp_path: Path, pki: Path, mtls: Server) -> None:
    cluster = {"server": mtls.url, "certificate-authority": str(pki / "ca.crt")}
    user = {"client-certificate": str(pki / "client.crt"), "client-key": str(pki / "client.key")}
    assert _version(_write(tmp_path, cluster, user)) == {"gitVersion": "v1.31.2"}
    assert [r["client_cn"] for r in mtls.seen.requests] == ["student"]


def test_client_certificate_and_key_inline(tmp_path: Path, pki: Path, mtls: Server) -> None:
    cluster = {"server": mtls.url, "certificate-authority-data": tls.b64(pki / "ca.crt")}
    user = {
        "client-certificate-data": tls.b64(pki / "client.crt"),
        "client-key-data": tls.b64(pki / "client.key"),
    }
    assert _version(_write(tmp_path, cluster, user)) == {"gitVersion": "v1.31.2"}
    assert [r["client_cn"] for r in mtls.seen.requests] == ["student"]


@pytest.mark.parametrize("form", ["certificate-authority-data", "certificate-authority"])
def test_ca_inline_or_as_a_file_with_a_bearer_token(
    tmp_path: Path, pki: Path, https: Server, form: str
) -> None:
    ca = tls.b64(pki / "ca.crt") if form.endswith("-data") else str(pki / "ca.crt")
    path = _write(tmp_path, {"server": https.url, form: ca}, {"token": TOKEN})
    assert _version(path) == {"gitVersion": "v1.31.2"}
    assert [r["authorization"] for r in https.seen.requests] == [f"Bearer {TOKEN}"]


def test_token_file_ending_in_a_newline(tmp_path: Path, pki: Path, https: Server) -> None:
    # As `echo TOKEN > token` writes it; kubectl trims it, and so must the grader.
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    cluster = {"server": https.url, "certificate-authority": str(pki / "ca.crt")}
    assert _version(_write(tmp_path, cluster, {"tokenFile": str(token_file)}))
    assert [r["authorization"] for r in https.seen.requests] == [f"Bearer {TOKEN}"]


def test_exec_credential_plugin(tmp_path: Path, pki: Path, https: Server) -> None:
    plugin = tmp_path / "fake-credential-plugin"
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": TOKEN},
    }
    plugin.write_text(
        f"#!{sys.executable}\nimport json\nprint(json.dumps({credential!r}))\n", encoding="utf-8"
    )
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR)
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": str(plugin),
            "interactiveMode": "Never",
        }
    }
    cluster = {"server": https.url, "certificate-authority-data": tls.b64(pki / "ca.crt")}
    assert _version(_write(tmp_path, cluster, user))
    assert [r["authorization"] for r in https.seen.requests] == [f"Bearer {TOKEN}"]


def test_insecure_skip_tls_verify(tmp_path: Path, https: Server) -> None:
    # No CA at all: only skipping verification lets this server's certificate through.
    cluster = {"server": https.url, "insecure-skip-tls-verify": True}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _version(_write(tmp_path, cluster, {"token": TOKEN}))
    assert [r["authorization"] for r in https.seen.requests] == [f"Bearer {TOKEN}"]
    # As with kubectl, the kubeconfig's own choice is not nagged about on every request.
    assert not [w for w in caught if "Unverified HTTPS request" in str(w.message)]


def test_proxy_url(tmp_path: Path, proxy: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    # The API server's name does not even resolve: only the proxy can answer for it.
    cluster = {"server": "http://kube-api.invalid:6443", "proxy-url": proxy.url}
    assert _version(_write(tmp_path, cluster, {"token": TOKEN}))
    assert [r["line"] for r in proxy.seen.requests] == [
        "GET http://kube-api.invalid:6443/version HTTP/1.1"
    ]
    assert proxy.seen.requests[0]["authorization"] == f"Bearer {TOKEN}"
