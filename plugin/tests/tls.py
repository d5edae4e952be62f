"""Test certificates and HTTPS test servers, shared by the transport and kubeconfig tests.

Certificates are made with the ``openssl`` command line; the tests that use them are
skipped when it is missing.
"""

from __future__ import annotations

import base64
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(folder: Path, name: str, common_name: str) -> None:
    """A self-signed CA ``name.crt``/``name.key`` in ``folder``."""
    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
        "-out", f"{name}.crt", "-days", "2", "-subj", f"/CN={common_name}", cwd=folder,
    )  # fmt: skip


def issue(folder: Path, name: str, ca: str, san: str, common_name: str | None = None) -> None:
    """A certificate ``name.crt``/``name.key`` signed by CA ``ca``, with subjectAltName ``san``."""
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
        "-subj", f"/CN={common_name or name}", cwd=folder,
    )  # fmt: skip
    (folder / f"{name}.ext").write_text(f"subjectAltName={san}\n", encoding="utf-8")
    openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext",
        cwd=folder,
    )  # fmt: skip


def b64(path: Path) -> str:
    """A file's bytes as kubeconfig ``*-data`` fields hold them."""
    return base64.b64encode(path.read_bytes()).decode()


def serve(
    handler: type[BaseHTTPRequestHandler], pki: Path | None, *, client_ca: bool = False
) -> ThreadingHTTPServer:
    """Serve ``handler`` on 127.0.0.1 (a free port), over TLS with ``pki``'s server.crt.

    With ``client_ca`` the server demands a client certificate signed by ``pki``'s ca.crt.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if pki is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki / "server.crt", pki / "server.key")
        if client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(pki / "ca.crt")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server
