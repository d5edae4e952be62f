"""Korean particles (조사) that agree with the word before them, digits and English included.

Korean picks a particle by the final sound (받침) of the preceding word: ``30090이``
but ``2가``, ``shop을`` but ``nginx를``, and ``으로`` after a 받침 except ㄹ
(``서울로``, ``promtail로``). Message templates cannot know the value they will hold,
so :func:`particle` decides at render time from the rendered text.

How the final sound is read, in order:

* **Trailing punctuation** (quotes, backticks, ``/``, ``.``) is skipped, and a closing
  parenthesis skips the whole parenthetical, because a particle agrees with the word
  before the brackets: ``Grafana(NodePort 30090)가``.
* **Hangul syllables** carry their 받침 in the syllable itself.
* **Numbers** are read the Sino-Korean way: the last non-zero digit decides
  (1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구); trailing zeros are read as a
  place word (10 십, 100 백, 1000 천, 10000 만, 10^8 억, 10^12 조). ``0`` alone is 영.
  After a decimal point every digit is read on its own (``1.50`` → 영).
* **Units after a number** are read as Koreans say them (``100m`` 밀리, ``128Mi`` 메비,
  ``5s`` 초, ``70%`` 퍼센트): none of them ends in a 받침.
* **Latin words** are read as English loanwords (see :func:`_english_final`):
  ``l`` → ㄹ; ``m``, ``n``, ``ng`` → 받침; ``p``, ``b``, ``t``, ``ck`` after a vowel →
  받침 (``app`` 앱, ``web`` 웹, ``secret`` 시크릿, ``stack`` 스택); a silent final ``e``
  lets the consonant before it decide (``name`` 네임, ``scale`` 스케일, ``node`` 노드);
  every other ending (vowels, ``r``, ``s``, ``d``, ``x``…) has none (``loki`` 로키,
  ``server`` 서버, ``pod`` 파드). A short all-capital word is spelled letter by letter
  (``URL`` 엘 → ㄹ, ``HPA`` 에이, ``PVC`` 씨).

When nothing readable comes before the particle, both forms are shown (``이(가)``).
"""

from __future__ import annotations

import enum
import re

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL_INDEX = 8  # ㄹ among the 28 final-consonant slots of a Hangul syllable


class Final(enum.Enum):
    """The final sound of a word, as far as particles care."""

    VOWEL = "vowel"  # no 받침: 가, 를, 는, 와, 로
    RIEUL = "rieul"  # ㄹ 받침: 이, 을, 은, 과, but 로
    CONSONANT = "consonant"  # any other 받침: 이, 을, 은, 과, 으로


# (form after a 받침, form after a vowel). ``으로/로`` is special-cased for ㄹ.
PARTICLES: dict[str, tuple[str, str]] = {
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "은/는": ("은", "는"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
    "이나/나": ("이나", "나"),
    "이라/라": ("이라", "라"),
    "이라는/라는": ("이라는", "라는"),
    "이에요/예요": ("이에요", "예요"),
    "이며/며": ("이며", "며"),
    "이고/고": ("이고", "고"),
    "이어야/여야": ("이어야", "여야"),
}
# Both spellings are accepted in templates, e.g. ``{가/이}`` as well as ``{이/가}``.
PARTICLES.update(
    {f"{b}/{a}": pair for key, pair in list(PARTICLES.items()) for a, b in [key.split("/")]}
)

# Digit readings (Sino-Korean): which of them end in a 받침.
_DIGIT_FINAL = {
    "0": Final.CONSONANT,  # 영
    "1": Final.RIEUL,  # 일
    "2": Final.VOWEL,  # 이
    "3": Final.CONSONANT,  # 삼
    "4": Final.VOWEL,  # 사
    "5": Final.VOWEL,  # 오
    "6": Final.CONSONANT,  # 육
    "7": Final.RIEUL,  # 칠
    "8": Final.RIEUL,  # 팔
    "9": Final.VOWEL,  # 구
}
# Place words read for trailing zeros: 십 백 천 만 (…만) 억 (…억) 조 (…조) 경.
_ZEROS_FINAL = {1: Final.CONSONANT, 2: Final.CONSONANT, 3: Final.CONSONANT}
_GROUP_FINAL = {1: Final.CONSONANT, 2: Final.CONSONANT, 3: Final.VOWEL, 4: Final.CONSONANT}
# Units written right after a number, as they are read aloud (none ends in a 받침).
_UNITS_FINAL = {
    "m": Final.VOWEL,  # 밀리(코어)
    "ms": Final.VOWEL,  # 밀리초
    "s": Final.VOWEL,  # 초
    "Ki": Final.VOWEL,  # 키비
    "Mi": Final.VOWEL,  # 메비
    "Gi": Final.VOWEL,  # 기비
    "%": Final.VOWEL,  # 퍼센트
}
# English letter names: 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐
# 알 에스 티 유 브이 더블유 엑스 와이 지(제트).
_LETTER_FINAL = dict.fromkeys("ABCDEFGHIJKOPQSTUVWXYZ", Final.VOWEL) | {
    "L": Final.RIEUL,
    "R": Final.RIEUL,
    "M": Final.CONSONANT,
    "N": Final.CONSONANT,
}
# Loanwords whose usual Korean reading the letter rules get wrong.
_EXCEPTIONS = {
    "type": Final.CONSONANT,  # 타입
    "check": Final.VOWEL,  # 체크
    "hub": Final.VOWEL,  # 허브
}
_CLOSERS = "'\"`’”»>]}/.,:;!?*…"
_VOWELS = "aeiouy"
_NUMBER = re.compile(r"(\d[\d,]*)(\.\d+)?$")
_UNIT = re.compile(r"(\d)(ms|m|s|Ki|Mi|Gi|%)$")
_WORD = re.compile(r"[A-Za-z]+$")


def final_of(text: str) -> Final | None:
    """The final sound of the last word of ``text``, or ``None`` when it cannot be read."""
    text = _head(text)
    if not text:
        return None
    last = text[-1]
    if HANGUL_FIRST <= ord(last) <= HANGUL_LAST:
        index = (ord(last) - HANGUL_FIRST) % 28
        return (
            Final.VOWEL if index == 0 else Final.RIEUL if index == RIEUL_INDEX else Final.CONSONANT
        )
    unit = _UNIT.search(text)
    if unit:
        return _UNITS_FINAL[unit.group(2)]
    number = _NUMBER.search(text)
    if number:
        return _number_final(number.group(1).replace(",", ""), number.group(2))
    word = _WORD.search(text)
    if word:
        return _english_final(word.group(0))
    return None


def _head(text: str) -> str:
    """``text`` without what a particle skips over: closing marks and a trailing (…)."""
    text = text.rstrip()
    while text:
        if text[-1] in _CLOSERS:
            text = text[:-1].rstrip()
        elif text[-1] == ")":
            depth, cut = 0, -1
            for index in range(len(text) - 1, -1, -1):
                depth += {")": 1, "(": -1}.get(text[index], 0)
                if depth == 0:
                    cut = index
                    break
            if cut <= 0:  # unbalanced, or nothing before the brackets: read inside them
                return text[:-1].rstrip()
            text = text[:cut].rstrip()
        else:
            break
    return text


def _number_final(integer: str, fraction: str | None) -> Final:
    if fraction:  # digits after the point are read one by one
        return _DIGIT_FINAL[fraction[-1]]
    digits = integer.lstrip("0") or "0"
    if digits == "0":
        return Final.CONSONANT  # 영
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[digits[-1]]
    if zeros in _ZEROS_FINAL:
        return _ZEROS_FINAL[zeros]
    # 10^4 만, 10^8 억, 10^12 조, 10^16 경: the last group word decides.
    return _GROUP_FINAL.get(min(zeros // 4, 4), Final.CONSONANT)


def _english_final(word: str) -> Final:
    """The final sound of a Latin word read as a Korean loanword (rules in the module doc)."""
    if len(word) <= 4 and word.isupper():
        return _LETTER_FINAL[word[-1]]
    # camelCase and PascalCase: the last part is the word read last (NodePort → Port).
    parts = re.findall(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]", word)
    last = parts[-1] if parts else word
    if len(last) <= 4 and last.isupper():
        return _LETTER_FINAL[last[-1]]
    lower = last.lower()
    if lower in _EXCEPTIONS:
        return _EXCEPTIONS[lower]
    if len(lower) == 1:
        return _LETTER_FINAL[lower.upper()]
    if lower.endswith("e") and len(lower) > 2 and lower[-2] not in _VOWELS:
        # A silent e: the consonant before it decides (name 네임, scale 스케일, node 노드).
        before = lower[-2]
        if before == "l":
            return Final.RIEUL
        return Final.CONSONANT if before in "mn" else Final.VOWEL
    end = lower[-1]
    if end == "l":
        return Final.RIEUL
    if end in "mn" or lower.endswith("ng"):
        return Final.CONSONANT
    if lower.endswith("ck") or lower.endswith("ook"):
        return Final.CONSONANT  # stack 스택, book 북
    # A doubled consonant counts once (app → ap), so the vowel before it is found.
    before = lower[-3] if len(lower) > 2 and lower[-2] == end else lower[-2]
    if end in "pbt" and before in _VOWELS:
        return Final.CONSONANT  # app 앱, web 웹, secret 시크릿
    return Final.VOWEL


def choose(pair: tuple[str, str], final: Final | None) -> str:
    """The form of ``pair`` (after-받침, after-vowel) that fits ``final``.

    Unknown ``final`` gives both, the way a careful writer hedges: ``이(가)``, ``(으)로``.
    """
    with_batchim, without = pair
    if final is None:
        if with_batchim.endswith(without):
            return f"({with_batchim[: -len(without)]}){without}"
        return f"{with_batchim}({without})"
    if final is Final.VOWEL:
        return without
    if final is Final.RIEUL and with_batchim == "으로":
        return without
    return with_batchim


def particle(token: str, before: str) -> str | None:
    """The particle ``token`` (e.g. ``"이/가"``) fitted to the text ``before`` it.

    ``None`` when ``token`` is not a known particle pair.
    """
    pair = PARTICLES.get(token)
    if pair is None:
        return None
    return choose(pair, final_of(before))
