"""HTTP answers said in the student's language: a NodePort that gave no answer, and a
service-proxy 404 that only means "this Service does not exist".

Through ``/api/v1/namespaces/<ns>/services/<name>/proxy/…`` the API server itself
answers 404 with a ``Status`` object (``reason: NotFound``, ``details.kind: services``)
when the Service is missing. Showing that JSON to a student says nothing; saying
"Service shop/web does not exist" and how to look says it all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..catalog import Phrase, phrase
from ..kube.transport import Answer
from ..probes import NoAnswer
from ..verdict import Verdict, failed

_HTML_TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.IGNORECASE | re.DOTALL)
# probes.NoAnswer.reason texts that have a catalog phrase.
_NO_ANSWER_KEYS = {
    "timed out": "probe.timed_out",
    "connection refused": "probe.refused",
    "connection failed": "probe.failed",
}


def no_answer_reason(answer: NoAnswer) -> Phrase:
    """Why a NodePort gave no answer, in the message's language."""
    key = _NO_ANSWER_KEYS.get(answer.reason)
    return phrase(key) if key else phrase("probe.other", error=answer.reason)


def _status_object(answer: Answer) -> dict[str, Any] | None:
    """The API server's own ``Status`` object in an answer, if that is what it is."""
    if "json" not in answer.content_type.lower():
        return None
    try:
        body = json.loads(answer.text)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) and body.get("kind") == "Status" else None


def is_missing_service(answer: Answer) -> bool:
    """Whether a service-proxy answer is the API server saying the Service does not exist.

    A 404 from the app behind the proxy (a wrong path) is not: it is plain text or the
    app's own JSON, not a ``Status`` with reason ``NotFound`` about ``services``.
    """
    status = _status_object(answer) if answer.status == 404 else None
    if status is None or status.get("reason") != "NotFound":
        return False
    details = status.get("details")
    kind = details.get("kind") if isinstance(details, dict) else None
    return kind == "services" or str(status.get("message", "")).startswith("services ")


def body_excerpt(answer: Answer, limit: int = 120) -> str | Phrase:
    """What an error answer said, short: the API server's Status message, not its JSON.

    ``no endpoints available for service "x"`` (the proxy's 503 while no pod is ready)
    is said in the message's language; another Status message is quoted as it is, and
    an HTML error page (an ingress or proxy in between) by its title.
    """
    status = _status_object(answer)
    message = status.get("message") if status is not None else None
    if isinstance(message, str) and message:
        if message.startswith("no endpoints available"):
            return phrase("proxy.no_endpoints")
        return " ".join(message.split())[:limit]
    title = _HTML_TITLE.search(answer.text[:2000])
    if title and title.group(1):
        return "HTML: " + " ".join(title.group(1).split())[:limit]
    return " ".join(answer.text[:limit].split()) or "-"


def missing_service(answer: Answer, namespace: str, service: str, release: str) -> Verdict | None:
    """A failed verdict naming the Service when the proxy says it does not exist, else None.

    ``service`` may carry a port (``loki:3100``); the message names the Service only.
    """
    if not is_missing_service(answer):
        return None
    name = service.split(":", 1)[0]
    return failed("proxy.service_missing", namespace=namespace, service=name, release=release)
