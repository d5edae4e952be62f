"""The particle rule: a Korean particle agrees with the final sound of the word before it.

Numbers are checked against an independent reading: the number is spelled out the
Sino-Korean way (30080 → 삼만팔십) and the last syllable's 받침 is taken from Unicode.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_kubelab.hangul import Final, choose, final_of, particle

DIGITS = "영일이삼사오육칠팔구"
SMALL_PLACES = ["", "십", "백", "천"]
GROUPS = ["", "만", "억", "조", "경"]


def spelled(number: int) -> str:
    """The Sino-Korean reading of a non-negative integer (삼만팔십 for 30080)."""
    if number == 0:
        return "영"
    words = []
    for group_index in range(len(GROUPS)):
        group = (number // 10 ** (4 * group_index)) % 10000
        if not group:
            continue
        text = ""
        for place in range(3, -1, -1):
            digit = (group // 10**place) % 10
            if digit:
                text += ("" if digit == 1 and place else DIGITS[digit]) + SMALL_PLACES[place]
        words.insert(0, text + GROUPS[group_index])
    return "".join(words)


def syllable_final(syllable: str) -> Final:
    index = (ord(syllable) - 0xAC00) % 28
    return Final.VOWEL if index == 0 else Final.RIEUL if index == 8 else Final.CONSONANT


@given(st.integers(min_value=0, max_value=10**19))
def test_numbers_agree_with_their_spelled_reading(number: int) -> None:
    assert final_of(str(number)) is syllable_final(spelled(number)[-1])


def test_spelled_reading_itself() -> None:
    assert spelled(30080) == "삼만팔십"
    assert spelled(2) == "이"
    assert spelled(1000) == "천"


@pytest.mark.parametrize(
    ("text", "subject", "object_"),
    [
        ("30080", "이", "을"),
        ("30081", "이", "을"),
        ("30082", "가", "를"),
        ("2", "가", "를"),
        ("3", "이", "을"),
        ("10", "이", "을"),
        ("1.5", "가", "를"),
        ("web-app", "이", "을"),
        ("loki", "가", "를"),
        ("Deployment demo/web-app", "이", "을"),
        ("Service monitoring/prometheus-grafana", "가", "를"),
        ("kube-prometheus-stack", "이", "을"),
        ("promtail", "이", "을"),
        ("NodePort", "가", "를"),
        ("ConfigMap", "이", "을"),
        ("PersistentVolumeClaim monitoring/storage-loki-0", "이", "을"),
        ("Secret monitoring/prometheus-grafana", "가", "를"),
        ("HPA", "가", "를"),
        ("URL", "이", "을"),
        ("name", "이", "을"),
        ("node", "가", "를"),
        ("서비스", "가", "를"),
        ("파일", "이", "을"),
        ("Grafana(NodePort 30080)", "가", "를"),
        ("'kind-lab-cluster'", "가", "를"),
        ("`kubectl get pods`", "가", "를"),
        ("kubecost-cost-analyzer-6…", "이", "을"),
        ("100m", "가", "를"),
        ("128Mi", "가", "를"),
        ("70%", "가", "를"),
    ],
)
def test_subject_and_object_particles(text: str, subject: str, object_: str) -> None:
    assert particle("이/가", text) == subject
    assert particle("을/를", text) == object_
    assert particle("가/이", text) == subject  # either spelling of the pair


@pytest.mark.parametrize(
    ("text", "form"),
    [("promtail", "로"), ("파일", "로"), ("서울", "로"), ("loki", "로"), ("1", "로"), ("8", "로")]
    + [("30080", "으로"), ("web-app", "으로"), ("집", "으로"), ("3", "으로"), ("Map", "으로")],
)
def test_euro_and_ro(text: str, form: str) -> None:
    """ㄹ takes 로 like a vowel does; every other 받침 takes 으로."""
    assert particle("으로/로", text) == form


def test_hangul_syllables_decide_by_their_own_batchim() -> None:
    assert final_of("가") is Final.VOWEL
    assert final_of("각") is Final.CONSONANT
    assert final_of("갈") is Final.RIEUL


def test_unreadable_text_gives_both_forms() -> None:
    assert final_of("") is None
    assert particle("이/가", "") == "이(가)"
    assert particle("을/를", "→") == "을(를)"
    assert particle("으로/로", "") == "(으)로"
    assert choose(("과", "와"), None) == "과(와)"


def test_unknown_token_is_not_a_particle() -> None:
    assert particle("namespace", "web-app") is None
