"""Every message catalog key has a non-empty Korean and English text with the same placeholders.

Students read only catalog text, so a key missing in one language (or a placeholder
that exists in one language only) would show a raw key or a literal ``{name}``.
"""

from __future__ import annotations

import pytest
from pytest_kubelab.catalog import LANGUAGES, fill, joined, messages, phrase, placeholders, render


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


def test_particles_follow_the_rendered_value() -> None:
    assert render("obs.demo.namespace_missing", "ko", namespace="web-app").startswith(
        "네임스페이스 web-app이 없습니다"
    )
    assert render("obs.demo.namespace_missing", "ko", namespace="demo").startswith(
        "네임스페이스 demo가 없습니다"
    )


def test_a_phrase_parameter_is_rendered_in_the_outer_language() -> None:
    problems = joined([phrase("diff.wrong", field="minReplicas", seen=1, want=2)], "; ")
    korean = render("cost.hpa.spec_wrong", "ko", hpa="production/web-app-hpa", problems=problems)
    english = render("cost.hpa.spec_wrong", "en", hpa="production/web-app-hpa", problems=problems)
    assert "minReplicas: 1 (필요: 2)" in korean
    assert "minReplicas: 1 (want 2)" in english


def test_rendering_is_lenient() -> None:
    # An unknown placeholder stays visible, with its format spec, instead of crashing.
    assert fill("{missing:.1f} 초", "ko", {}) == "{missing:.1f} 초"
    # A spec that does not fit the value falls back to the plain value.
    assert fill("{seconds:.1f}초", "ko", {"seconds": "many"}) == "many초"
    # A malformed template is shown as it is.
    assert fill("{unclosed", "ko", {"unclosed": 1}) == "{unclosed"
    # An unknown key shows the key and its parameters.
    assert render("no.such.key", "ko", port=30080) == "[no.such.key] port=30080"


def test_placeholders_leave_out_particle_tokens() -> None:
    assert placeholders("{port}{이/가} 열려 있고 {service}{을/를}") == {"port", "service"}
