"""A checkpoint's description, in English and Korean, read from its test's docstring.

The docstring of a checkpoint test describes what the checkpoint asserts. Its first
paragraph is the English description; a later paragraph that starts with ``ko:`` is
the Korean one. Any other paragraph is a note for the lab's authors and is shown to
nobody::

    @pytest.mark.checkpoint("obs.1.nodes")
    def test_nodes(lab):
        \"\"\"Exactly 1 control-plane node and 2 worker nodes (kind's node-role labels).

        ko: control-plane 노드 1개와 worker 노드 2개가 정확히 있습니다 (kind의 node-role
        레이블 기준).
        \"\"\"

Both descriptions are shown on one line, the way the HTML report, the grade JSON and
the generated checkpoint pages (:mod:`pytest_kubelab.specdoc`) all show them: the
line breaks and indentation of the source become single spaces, and a reST
``literal`` (for ``pytest --fixtures`` and the docs) reads as `literal`. A run in
Korean (``--lab-lang ko``, the default) shows the Korean description, or the English
one when the test has no ``ko:`` paragraph; a run in English shows the English one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KOREAN_MARK = "ko:"
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Description:
    """What a checkpoint asserts, in each language ("" where its docstring says nothing)."""

    en: str = ""
    ko: str = ""

    def in_language(self, lang: str) -> str:
        """The description a run in ``lang`` shows (Korean falls back to English)."""
        if lang == "ko":
            return self.ko or self.en
        return self.en


def one_line(paragraph: str) -> str:
    """``paragraph`` on one line, with reST ``literal`` written as Markdown `literal`."""
    return " ".join(paragraph.split()).replace("``", "`")


def parse(docstring: str | None) -> Description:
    """The descriptions in a test's docstring (cleaned, as ``inspect.getdoc`` and
    ``ast.get_docstring`` return it): its first paragraph and its ``ko:`` paragraph."""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(docstring or "") if p.strip()]
    korean = next((p for p in paragraphs if p.startswith(KOREAN_MARK)), "")
    first = paragraphs[0] if paragraphs else ""
    # A docstring that starts with its Korean paragraph has no English one.
    english = "" if first.startswith(KOREAN_MARK) else first
    return Description(en=one_line(english), ko=one_line(korean.removeprefix(KOREAN_MARK)))
