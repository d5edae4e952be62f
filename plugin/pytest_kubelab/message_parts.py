"""A failure message in its two parts: what is wrong, and what to do about it.

Catalog messages say first what was seen against what was expected, then give
the fix, usually as a command in backticks ("... 3개 중 2개만 준비됨. ...
`kubectl rollout restart ...`로 다시 시작하세요."). The HTML report shows the two
parts in two boxes, "무엇이 문제인가요?" and "다음에 할 일", so the fix command is
where a student looks for it. The split is by sentence: the first sentence is
always part of the problem; the fix starts at the first later sentence that
holds a command in backticks or asks for an action (Korean "…세요.", English
sentences starting with an imperative such as "Check" or "Run").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence openings that ask the student to do something (English catalog texts).
_IMPERATIVES = frozenset(
    (
        "add",
        "apply",
        "change",
        "check",
        "create",
        "delete",
        "edit",
        "fix",
        "give",
        "install",
        "label",
        "list",
        "look",
        "make",
        "patch",
        "pin",
        "re-apply",
        "read",
        "reapply",
        "recreate",
        "reinstall",
        "remove",
        "rerun",
        "restart",
        "run",
        "see",
        "set",
        "start",
        "switch",
        "try",
        "uninstall",
        "upgrade",
        "use",
        "wait",
    )
)
_CLOSERS = {")": "(", "]": "["}
_KOREAN_REQUEST = re.compile(r"(세요|십시오|주세요)[.!]?$")


@dataclass(frozen=True)
class MessageParts:
    """``problem``: what was seen against what was expected; ``fix``: what to do ("" if none)."""

    problem: str
    fix: str


def split_message(text: str) -> MessageParts:
    """Split a rendered message into its problem and its fix (see the module docstring)."""
    parts = sentences(text)
    if not parts:
        return MessageParts("", "")
    start = next(
        (i for i, sentence in enumerate(parts) if i > 0 and asks_for_action(sentence)), len(parts)
    )
    return MessageParts(" ".join(parts[:start]), " ".join(parts[start:]))


def asks_for_action(sentence: str) -> bool:
    """Whether a sentence tells the student what to do (a command, or a request)."""
    if "`" in sentence:
        return True
    if _KOREAN_REQUEST.search(sentence.rstrip()):
        return True
    first = re.match(r"[A-Za-z-]+", sentence)
    return bool(first and first.group(0).lower() in _IMPERATIVES)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split after ". ", "! " or "? ", never inside
    backticks or brackets (a command or a quoted status may hold a full stop)."""
    found: list[str] = []
    depth: list[str] = []
    in_code = False
    start = 0
    line = " ".join(text.split())
    for index, char in enumerate(line):
        if char == "`":
            in_code = not in_code
        elif in_code:
            continue
        elif char in "([":
            depth.append(char)
        elif char in _CLOSERS and depth and depth[-1] == _CLOSERS[char]:
            depth.pop()
        elif (
            char in ".!?"
            and not depth
            and index + 1 < len(line)
            and line[index + 1] == " "
            and index > start
        ):
            found.append(line[start : index + 1].strip())
            start = index + 2
    rest = line[start:].strip()
    if rest:
        found.append(rest)
    return found
