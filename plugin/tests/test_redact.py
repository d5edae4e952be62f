"""Redaction masks known secret values and credential-looking text, and nothing else."""

from __future__ import annotations

import base64
from pathlib import Path

from pytest_kubelab.redact import MASK, Redactor


def test_credential_patterns_are_masked() -> None:
    redact = Redactor()
    text = (
        "login ok password=hunter2hunter token: abcdefghijkl "
        "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eXoifQ.c2lnbmF0dXJl "
        '"admin-password": "prom-operator"'
    )
    masked = redact(text)
    for secret in ("hunter2hunter", "abcdefghijkl", "eyJhbGciOiJSUzI1NiJ9", "prom-operator"):
        assert secret not in masked
    assert "password=" + MASK in masked
    assert "Bearer " + MASK in masked


def test_long_base64_is_masked_but_hex_digests_and_names_stay() -> None:
    redact = Redactor()
    blob = base64.b64encode(b"a very secret private key material 0123456789").decode()
    digest = "sha256:" + "0123456789abcdef" * 4
    text = f"key {blob} image {digest} pod loki-promtail-x7k2m CrashLoopBackOff"
    masked = redact(text)
    assert blob not in masked
    assert digest in masked
    assert "loki-promtail-x7k2m CrashLoopBackOff" in masked


def test_secrets_the_run_read_are_masked_by_value() -> None:
    redact = Redactor()
    secret = {
        "type": "Opaque",
        "data": {
            "admin-user": base64.b64encode(b"admin").decode(),
            "admin-password": base64.b64encode(b"s3cr3t-Grafana").decode(),
        },
    }
    redact.remember_secrets([secret])
    masked = redact("grafana said s3cr3t-Grafana and user admin")
    assert "s3cr3t-Grafana" not in masked
    assert "user admin" in masked  # user names are not credentials


def test_short_values_are_not_remembered() -> None:
    redact = Redactor()
    redact.remember("abc")
    assert redact("abc def") == "abc def"


def test_kubeconfig_credentials_are_masked(tmp_path: Path) -> None:
    key = base64.b64encode(b"-----BEGIN PRIVATE KEY----- xyz").decode()
    config = tmp_path / "kubeconfig"
    config.write_text(
        "users:\n"
        "- name: a\n  user: {token: sim-token-value-123}\n"
        f"- name: b\n  user: {{client-key-data: {key}, password: pw-value-9}}\n",
        encoding="utf-8",
    )
    redact = Redactor()
    redact.remember_kubeconfig(config)
    masked = redact(f"t=sim-token-value-123 k={key} p pw-value-9 -----BEGIN PRIVATE KEY----- xyz")
    for value in ("sim-token-value-123", key, "pw-value-9", "PRIVATE KEY----- xyz"):
        assert value not in masked


def test_missing_kubeconfig_is_ignored(tmp_path: Path) -> None:
    redact = Redactor()
    redact.remember_kubeconfig(tmp_path / "absent")
    redact.remember_kubeconfig(None)
    assert redact("plain text") == "plain text"


def test_masking_keeps_the_markup_around_a_value() -> None:
    masked = Redactor()("run `helm install x --set grafana.adminPassword=admin123` (then wait)")
    assert masked == f"run `helm install x --set grafana.adminPassword={MASK}` (then wait)"


def test_values_the_lab_publishes_stay_visible() -> None:
    redactor = Redactor()
    redactor.publish("install again with `--set grafana.adminPassword=admin123`")
    redactor.remember("admin123")  # the student's Secret holds the documented password
    redactor.remember("s3cr3t-from-the-cluster")
    text = "use --set grafana.adminPassword=admin123; Secret has password=s3cr3t-from-the-cluster"
    shown = redactor(text)
    assert "adminPassword=admin123" in shown  # the fix command stays usable
    assert "s3cr3t-from-the-cluster" not in shown
    assert "password=********" in shown


def test_published_words_never_unmask_authorization_headers() -> None:
    redactor = Redactor()
    redactor.publish("Authorization: Bearer kubelab-sim-token-2f6c1d9e8b7a4c3f")
    shown = redactor("Authorization: Bearer kubelab-sim-token-2f6c1d9e8b7a4c3f")
    assert "kubelab-sim-token" not in shown
