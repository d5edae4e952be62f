"""Every message catalog key has a non-empty Korean and English text with the same placeholders.

Students read only catalog text, so a key missing in one language (or a placeholder
that exists in one language only) would show a raw key or a literal ``{name}``.
"""

from __future__ import annotations

import pytest
from pytest_kubelab.catalog import LANGUAGES, messages, placeholders, render


@pytest.mark.parametrize("key", sorted(messages()))
def test_key_exists_in_every_language(key: str) -> None:
    texts = messages()[key]
    assert set(texts) == set(LANGUAGES), f"{key}: languages {sorted(texts)}"
    for lang in LANGUAGES:
        assert isinstance(texts[lang], str), f"{key}.{lang} is not text"
        assert texts[lang].strip(), f"{key}.{lang} is empty"
    assert placeholders(texts["ko"]) == placeholders(texts["en"]), key


def test_report_keys_render_in_both_languages() -> None:
    korean = render("report.score", "ko")
    english = render("report.score", "en")
    assert korean != english
    assert english == "Score"
