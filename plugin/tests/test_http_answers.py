"""A service-proxy 404 about a missing Service is told apart from an app's own 404,
and error bodies are shown as the API server's Status message, not as JSON."""

from __future__ import annotations

import json

from pytest_kubelab.catalog import Phrase
from pytest_kubelab.checks.http_answers import body_excerpt, is_missing_service, missing_service
from pytest_kubelab.kube.transport import Answer


def _status(code: int, reason: str, message: str, **extra: object) -> Answer:
    body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message}
    body.update(reason=reason, code=code, **extra)
    return Answer(code, "application/json", json.dumps(body))


def test_the_api_servers_not_found_about_a_service_means_it_is_missing() -> None:
    real = _status(
        404,
        "NotFound",
        'services "kubecost-cost-analyzer" not found',
        details={"name": "kubecost-cost-analyzer", "kind": "services"},
    )
    assert is_missing_service(real)
    verdict = missing_service(real, "kubecost", "kubecost-cost-analyzer:9090", "kubecost")
    assert verdict is not None and not verdict.ok
    korean = verdict.render("ko")
    assert "Service kubecost/kubecost-cost-analyzer가 없어서" in korean
    assert "`kubectl get svc -n kubecost`" in korean
    assert '"kind"' not in korean


def test_an_apps_own_404_is_not_a_missing_service() -> None:
    assert not is_missing_service(Answer(404, "text/plain", "404 page not found\n"))
    assert not is_missing_service(Answer(404, "application/json", '{"error": "no such path"}'))
    assert not is_missing_service(_status(404, "NotFound", 'pods "x" not found'))
    assert missing_service(Answer(200, "text/html", "<html>"), "demo", "web", "demo") is None


def test_body_excerpt_prefers_the_status_message() -> None:
    no_endpoints = _status(503, "ServiceUnavailable", 'no endpoints available for service "x"')
    excerpt = body_excerpt(no_endpoints)
    assert isinstance(excerpt, Phrase)
    assert excerpt.render("ko") == "준비된 endpoint가 없음"
    other = _status(503, "ServiceUnavailable", 'no service port "9" found for service "x"')
    assert body_excerpt(other) == 'no service port "9" found for service "x"'
    assert body_excerpt(Answer(502, "text/html", "<html>\n  bad gateway</html>")) == (
        "<html> bad gateway</html>"
    )
    page = "<html><head><title>503 Service\n Temporarily Unavailable</title></head></html>"
    assert body_excerpt(Answer(503, "text/html", page)) == (
        "HTML: 503 Service Temporarily Unavailable"
    )
