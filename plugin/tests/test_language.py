"""The language self-test: every catalog message, rendered with sample values, reads right.

Every key is rendered in both languages three times, once with every placeholder
holding a value that ends in a 받침 (``web-app``, ``30080``), once with values that
end in a vowel (``loki``, ``2``) and once with values that end in ㄹ (``promtail``,
``30081``). The expected particle comes from that hand-written label, not from the
code under test, so a template with a fixed ``가`` after ``{port}`` fails in the first
pass, and a wrong rule in :mod:`pytest_kubelab.hangul` fails in one of them.

Korean texts must not contain English words either, except what a student types or
sees in ``kubectl`` output: Kubernetes kinds and fields, product and tool names, status
values and units (:data:`ALLOWED_ENGLISH`), anything in backticks or quotes, URLs and
identifiers with dots, dashes, slashes or digits. English texts must contain no Hangul.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_kubelab.catalog import messages, placeholders, render

from .conftest import load_every_lab_message

# Placeholders that hold numbers (so format specs such as {seconds:.1f} apply).
REPO = Path(__file__).resolve().parents[2]
NUMERIC = {
    "code",
    "count",
    "cp",
    "desired",
    "done",
    "earned",
    "expected_containers",
    "failed",
    "high",
    "lines",
    "low",
    "max",
    "mean",
    "min",
    "minutes",
    "offset",
    "passed",
    "pods",
    "port",
    "query_port",
    "ready",
    "replicas",
    "restarts",
    "revision",
    "score",
    "seconds",
    "sets",
    "size",
    "skipped",
    "status",
    "step",
    "streams",
    "total",
    "unreachable",
    "up",
    "waited",
    "want_cp",
    "want_workers",
    "workers",
}


@dataclass(frozen=True)
class Sound:
    """One pass: sample values that all end the same way, and the particles they take."""

    name: str
    number: int
    word: str
    subject: str  # 이/가
    object_: str  # 을/를
    topic: str  # 은/는
    with_: str  # 과/와
    towards: str  # 으로/로
    copula_and: str  # 이며/며
    must_be: str  # 이어야/여야


CONSONANT = Sound("받침", 30080, "web-app", "이", "을", "은", "과", "으로", "이며", "이어야")
VOWEL = Sound("모음", 2, "loki", "가", "를", "는", "와", "로", "며", "여야")
RIEUL = Sound("ㄹ받침", 30081, "promtail", "이", "을", "은", "과", "로", "이며", "이어야")
SOUNDS = (CONSONANT, VOWEL, RIEUL)
# Each particle form, mapped to the Sound field that says which form is right.
FORMS = {
    "이어야": "must_be",
    "여야": "must_be",
    "이며": "copula_and",
    "며": "copula_and",
    "으로": "towards",
    "로": "towards",
    "이": "subject",
    "가": "subject",
    "을": "object_",
    "를": "object_",
    "은": "topic",
    "는": "topic",
    "과": "with_",
    "와": "with_",
}
PARTICLE = re.compile("(" + "|".join(FORMS) + ")(?![가-힣])")
HEDGED = ("이(가)", "가(이)", "을(를)", "를(을)", "은(는)", "는(은)", "(으)로", "과(와)", "와(과)")
CLOSERS = "'\"`)"

# English words allowed in Korean text: what the student sees in kubectl, Helm, the
# browser and the lab text (kinds, fields, states, products, units), never a sentence.
_ALLOWED = """
    API APIService Available Bound ClusterIP ClusterRole ConfigMap Conditions Content-Type
    DaemonSet Deployment EndpointSlice Endpoints Events ExecCredential HPA HTML HTTP JSON
    Kubernetes NodePort PORT PVC PersistentVolumeClaim Pod RBAC Ready Running Secret Service
    StatefulSet Step TARGETS TLS Type URL UTF YAML ScalingActive Warning NotFound
    Grafana Prometheus Loki Promtail Alloy Jaeger Kubecost Helm kind kubectl docker nginx
    kube-prometheus-stack loki-stack metrics-server cost-analyzer aggregator
    kubeconfig ClusterRole control-plane worker node-role nodes tolerations taint
    selector endpoint endpoints type nodePort extraPortMappings containerPort hostPort
    replicas requests limits resources spec min max cpu memory metrics apply deployed revision
    reason database ok external label cluster_id allInOne query headless clusterIP None
    inotify default isDefault datasource push healthy down up Utilization
    traceback checkout pytest admin admin123 prom-operator EOL UI ID NoSchedule SANs IP
    readiness right-sizing request limit usage HPA Utilization
    forbidden view exec null hostname mismatch context true standard kubelet
    code name title labels values data ramCost memoryCost team prometheus app web
    Terminating Pending NotReady CrashLoopBackOff ImagePullBackOff
"""
ALLOWED_ENGLISH = frozenset(_ALLOWED.split())
# Commands written without backticks in a heading, e.g. "(kubectl get pods -o wide -n demo)".
COMMAND = re.compile(r"\b(?:kubectl|helm|kind|docker) [^()]*")


def sample(name: str, sound: Sound) -> object:
    """The value a placeholder holds in one pass: a number or a word with the pass's ending."""
    return sound.number if name in NUMERIC else sound.word


def rendered(key: str, lang: str, sound: Sound) -> str:
    template = messages()[key][lang]
    params = {name: sample(name, sound) for name in placeholders(template)}
    return render(key, lang, **params)


# Lab folders' own messages (messages.yaml beside lab.yaml) are held to the same rules.
load_every_lab_message()
KEYS = sorted(messages())


def _head(text: str) -> str:
    """What a particle agrees with: the text before it without closing marks and (…)."""
    while text and text[-1] in CLOSERS:
        bracketed = text[-1] == ")" and "(" in text
        text = text[: text.rindex("(")] if bracketed else text[:-1]
    return text


def particle_errors(text: str, sound: Sound) -> list[str]:
    """Particles right after a sample value that do not fit the value's known ending."""
    errors = []
    values = (str(sound.number), sound.word)
    for match in PARTICLE.finditer(text):
        head = _head(text[: match.start()])
        value = next((v for v in values if head.endswith(v)), None)
        if value is None:
            continue
        before = head[: -len(value)]
        if before and (before[-1].isalnum() or before[-1] in "-_"):
            continue  # the sample is only the tail of a longer word
        want = getattr(sound, FORMS[match.group(1)])
        if match.group(1) != want:
            errors.append(f"{text[max(0, match.start() - 30) : match.end() + 5]!r}: want {want}")
    return errors


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("sound", SOUNDS, ids=lambda s: s.name)
def test_particles_agree_with_the_value_before_them(key: str, sound: Sound) -> None:
    text = rendered(key, "ko", sound)
    assert not particle_errors(text, sound), f"{key}: {particle_errors(text, sound)}"
    assert not [h for h in HEDGED if h in text], f"{key}: hedged particle in {text!r}"


@pytest.mark.parametrize("key", KEYS)
def test_no_fixed_particle_right_after_a_placeholder(key: str) -> None:
    """A template must say ``{port}{이/가}``, never ``{port}가``: the value decides."""
    template = messages()[key]["ko"]
    after_field = re.compile(r"(?<!\{)\{[^{}/]+\}[)'\"`]*(" + "|".join(FORMS) + r")(?![가-힣])")
    assert not after_field.search(template.replace("{{", "").replace("}}", "")), template
    # A particle cut off by a space ("{path} 를") is as wrong as a fixed one.
    detached = re.compile(r"\}[)'\"`]*\s(?:" + "|".join(FORMS) + r")(?=[\s.,])")
    assert not detached.search(template), template


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_placeholder_is_filled(key: str, lang: str) -> None:
    for sound in SOUNDS:
        text = rendered(key, lang, sound)
        assert not re.search(r"\{[A-Za-z_가-힣/]+\}", text), f"{key}.{lang}: {text!r}"


def english_words(text: str) -> set[str]:
    """English words in a Korean text that are not allowed there (see the module doc)."""
    text = re.sub(r"`[^`]*`", " ", text)  # commands to type
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)  # quoted names and the cluster's own words
    text = re.sub(r"https?://\S+", " ", text)
    text = COMMAND.sub(" ", text)
    for sound in SOUNDS:
        text = text.replace(sound.word, " ")
    words = set()
    for token in re.split(r"[\s,;()]+", text):
        if re.search(r"[./\-_=:$<>\d@*]", token):
            continue  # an identifier, path, flag, quantity or placeholder value
        for word in re.findall(r"[A-Za-z]+", token):
            if word not in ALLOWED_ENGLISH and not word.isupper():  # headers, acronyms
                words.add(word)
    return words


@pytest.mark.parametrize("key", KEYS)
def test_korean_has_no_english_words(key: str) -> None:
    found = english_words(rendered(key, "ko", CONSONANT))
    assert not found, f"{key}: English in Korean text: {sorted(found)}"


@pytest.mark.parametrize("key", KEYS)
def test_english_has_no_korean(key: str) -> None:
    text = rendered(key, "en", CONSONANT)
    assert not re.search(r"[가-힣ㄱ-ㅎ]", text), f"{key}: Korean in English text: {text!r}"


def test_the_checker_itself_catches_wrong_particles() -> None:
    """The helpers above find what they are meant to find (so the tests can fail)."""
    assert particle_errors("NodePort 30080가 없습니다", CONSONANT)
    assert particle_errors("web-app를 지우세요", CONSONANT)
    assert not particle_errors("NodePort 30080이 없습니다", CONSONANT)
    assert particle_errors("loki을 보세요", VOWEL)
    assert not particle_errors("Grafana(NodePort 30080)가 응답합니다", CONSONANT)
    assert particle_errors("promtail으로 보냅니다", RIEUL)
    assert english_words("노드 2개 (want 3)") == {"want"}
    assert english_words("`kubectl get pods`로 Pod 상태를 보세요") == set()
