"""Keep secrets out of everything the grader writes: report, grade JSON, JUnit XML, terminal.

Two layers: exact values the run is known to hold (Secret data it read, the
kubeconfig's credentials) are replaced wherever they appear, in plain text and in
their base64 and URL-encoded forms; and patterns that look like credentials are
masked even when the value was never seen, since container logs, Events and app
answers can print anything:

* ``Authorization`` headers in any quoting (``Authorization: Bearer …``,
  ``"Authorization": "Basic …"``, ``authorization=token …``), bare ``Bearer …``;
* the password of URL userinfo (``scheme://user:password@host``);
* credential-named keys, flags and variables joined by ``=``, ``:`` or a space
  (``password=…``, ``"token": "…"``, ``--db-password …``, ``DB_PASSWORD …``);
* JSON Web Tokens and long base64 runs.

The same pass makes text *neutral*: control characters and bidirectional
overrides from cluster data (an Event message, a container's waiting message, a
NodePort page) are replaced by visible stand-ins (``ESC`` becomes ``␛``, U+202E
becomes ``<U+202E>``), so they can neither clear a terminal, fake a "SCORE 67/67"
banner, set a window title, nor reorder what a report shows. Newlines and tabs
stay.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .sessionscope import SessionState

MASK = "********"
# Shorter exact values (e.g. "admin") would mask ordinary words all over the report;
# the patterns below still catch them next to a credential-like key.
MIN_KNOWN_LENGTH = 6
# Secret keys whose values are names, not credentials.
_NOT_SECRET_KEYS = re.compile(r"(^|[-_.])(user|username|login|namespace)$", re.IGNORECASE)
# Helm's release records are the whole chart state, not credentials; their decoded
# values are gzip bytes and never appear in text.
_SKIPPED_SECRET_TYPES = frozenset({"helm.sh/release.v1"})
_KUBECONFIG_USER_FIELDS = (
    "token",
    "password",
    "client-key-data",
    "client-certificate-data",
)

# Credential-like names, as a regex fragment (keys, flags, variables).
_SECRET_NAME = r"(?:password|passwd|pwd|secret|token|api[_-]?key|client[_-]key|private[_-]key)"

# (pattern, replacement, whether a published value in the last group stays visible)
_PATTERNS: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    # Authorization headers first, in any quoting: the generic "key: value" rule would keep
    # the scheme only. The value may be quoted ("Authorization": "Bearer x").
    (
        re.compile(
            r"(?i)(authorization[\"'`]?\s*[:=]\s*[\"'`]?\s*)"
            r"(bearer|basic|token|digest|negotiate)?\s*[^\s,;\"'`)\]}<>]+"
        ),
        r"\1\2 " + MASK,
        False,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK, False),
    # The password of URL userinfo: scheme://user:password@host.
    (
        re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@\"'`<>]*:)([^\s/@\"'`<>]+)(@)"),
        r"\1" + MASK + r"\3",
        False,
    ),
    # key=value / key: value / "key": "value" for credential-like keys.
    (
        re.compile(
            r"(?i)(\b[\w.-]*" + _SECRET_NAME + r"[\w.-]*[\"']?\s*[:=]\s*[\"']?)"
            r"([^\s\"'`,;&)\]}<>]+)"
        ),
        r"\1" + MASK,
        True,
    ),
    # Flags joined by a space: --password VALUE, --db-password VALUE, -token VALUE.
    (
        re.compile(
            r"(?i)((?<![\w-])--?[\w.-]*" + _SECRET_NAME + r"[\w.-]*[ \t]+)([^\s\-\"'`][^\s\"'`,;]*)"
        ),
        r"\1" + MASK,
        True,
    ),
    # Upper-case variables joined by a space (DB_PASSWORD VALUE, as `env` or a log prints
    # them); lower-case prose such as "the token expired" is left alone.
    (
        re.compile(
            r"(\b[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?)"
            r"[A-Z0-9_]*[ \t]+)([^\s\"'`,;]+)"
        ),
        r"\1" + MASK,
        True,
    ),
    # JSON Web Tokens (service-account tokens).
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), MASK, False),
    # Long base64 runs with mixed case and digits; hex digests (all lower case) stay readable.
    (
        re.compile(
            r"(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])"
            r"(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{40,}={0,2}"
        ),
        MASK,
        False,
    ),
)

# Bidirectional controls: they reorder how a line is displayed (Trojan Source).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI)) + "]")


def neutral(text: str) -> str:
    """``text`` with control characters and bidi overrides made visible and harmless.

    Newlines and tabs stay; a CR-LF line end becomes a newline; every other C0/C1
    control character, DEL and bidirectional override is replaced by a visible
    stand-in, so no escape sequence reaches a terminal, a CI log or a report.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _visible(m.group(0)), text.replace("\r\n", "\n"))


# What separates words in published text: a value counts as published only when it
# stands as a whole token there (`--set grafana.adminPassword=admin123` publishes
# "admin123", but not "admin" or "123").
_TOKEN_SPLIT = re.compile(r"[\s`'\"=:,;()\[\]{}<>|/]+")


class Redactor:
    """Masks known secret values and credential-looking text.

    Values that the lab itself publishes (in the message catalog or a ``lab.yaml``,
    e.g. the lab's documented Grafana password ``admin123``) are left visible: they
    are public already, and masking them would break the very fix command a student
    must run.
    """

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._published: set[str] = set()
        self._lock = threading.Lock()

    def publish(self, text: str) -> None:
        """Record ``text`` as public (lab text, catalog): its tokens are never masked."""
        tokens = {t for t in _TOKEN_SPLIT.split(text) if t}
        with self._lock:
            self._published |= tokens

    def _is_published(self, value: str) -> bool:
        return value.strip() in self._published

    def remember(self, value: str) -> None:
        """Mask ``value`` from now on, and its base64 and URL-encoded forms."""
        value = value.strip()
        if len(value) < MIN_KNOWN_LENGTH:
            return
        raw = value.encode("utf-8")
        forms = {
            value,
            base64.b64encode(raw).decode("ascii"),
            base64.b64encode(raw).decode("ascii").rstrip("="),
            base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
            urllib.parse.quote(value, safe=""),
            urllib.parse.quote_plus(value),
            urllib.parse.quote(value),
        }
        with self._lock:
            self._known |= {form for form in forms if len(form) >= MIN_KNOWN_LENGTH}

    def remember_secrets(self, secrets: Iterable[Mapping[str, Any]]) -> None:
        """Remember the values of Secret objects the run read."""
        for secret in secrets:
            if secret.get("type") in _SKIPPED_SECRET_TYPES:
                continue
            for key, encoded in dict(secret.get("data") or {}).items():
                if _NOT_SECRET_KEYS.search(str(key)) or not isinstance(encoded, str):
                    continue
                self.remember(encoded)
                self.remember(_decoded(encoded))
            for key, plain in dict(secret.get("stringData") or {}).items():
                if isinstance(plain, str) and not _NOT_SECRET_KEYS.search(str(key)):
                    self.remember(plain)

    def remember_kubeconfig(self, path: Path | None) -> None:
        """Remember every user's credentials in the kubeconfig (token, keys, password)."""
        if path is None:
            return
        from .kube.kubeconfig import load_document

        data, _ = load_document(path)
        users = (data or {}).get("users")
        for entry in users if isinstance(users, list) else []:
            user = entry.get("user") if isinstance(entry, dict) else None
            if not isinstance(user, dict):
                continue
            for field in _KUBECONFIG_USER_FIELDS:
                value = user.get(field)
                if isinstance(value, str):
                    self.remember(value)
                    if field.endswith("-data"):
                        self.remember(_decoded(value))

    def __call__(self, text: str) -> str:
        """Return ``text`` neutral (see :func:`neutral`), with every secret masked."""
        if not text:
            return text
        text = neutral(text)
        with self._lock:
            known = sorted(
                (v for v in self._known if not self._is_published(v)), key=len, reverse=True
            )
        for value in known:
            if value in text:
                text = text.replace(value, MASK)
        for pattern, replacement, exempt in _PATTERNS:
            if exempt:
                text = pattern.sub(functools.partial(self._mask, replacement=replacement), text)
            else:
                text = pattern.sub(replacement, text)
        return text

    def _mask(self, match: re.Match[str], replacement: str) -> str:
        if self._is_published(match.group(match.lastindex or 0)):
            return match.group(0)
        return match.expand(replacement)


def _decoded(encoded: str) -> str:
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


# One per pytest run: the reader that sees Secrets and the hooks that write text share
# it, and a run in the same process after it (an in-process self-test) starts clean.
_RUN_REDACTOR = SessionState(Redactor)


class _RunRedactor:
    """The running pytest run's :class:`Redactor`, under one importable name."""

    def publish(self, text: str) -> None:
        _RUN_REDACTOR.get().publish(text)

    def remember(self, value: str) -> None:
        _RUN_REDACTOR.get().remember(value)

    def remember_secrets(self, secrets: Iterable[Mapping[str, Any]]) -> None:
        _RUN_REDACTOR.get().remember_secrets(secrets)

    def remember_kubeconfig(self, path: Path | None) -> None:
        _RUN_REDACTOR.get().remember_kubeconfig(path)

    def __call__(self, text: str) -> str:
        return _RUN_REDACTOR.get()(text)


REDACTOR = _RunRedactor()


def redact(text: str) -> str:
    """Mask secrets in ``text`` with this run's :data:`REDACTOR`, and make it neutral."""
    return REDACTOR(text)
