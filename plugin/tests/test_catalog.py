"""Every message catalog key has a non-empty Korean and English text with the same placeholders.

Students read only catalog text, so a key missing in one language (or a placeholder
that exists in one language only) would show a raw key or a literal ``{name}``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_kubelab.catalog import (
    LANGUAGES,
    CatalogError,
    add_lab_messages,
    fill,
    joined,
    messages,
    phrase,
    placeholders,
    render,
)
from pytest_kubelab.kube.podstatus import PodProblem
from pytest_kubelab.readers import MalformedAnswer
from pytest_kubelab.readers.kubecost import AllocationError, summarise
from pytest_kubelab.readers.prometheus import read_targets

from .conftest import load_every_lab_message

# The labs' own messages (beside their lab.yaml) too: they are what most checks say.
load_every_lab_message()


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
    assert render("workload.missing", "ko", workload="Deployment demo/web-app").startswith(
        "Deployment demo/web-app이 없습니다"
    )
    assert render("workload.missing", "ko", workload="Deployment demo/demo").startswith(
        "Deployment demo/demo가 없습니다"
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


def test_sentence_parts_built_in_code_are_said_in_korean() -> None:
    crash = PodProblem("loki-promtail-x7k2m", "CrashLoopBackOff", 6, True)
    assert crash.describe("ko") == "loki-promtail-x7k2m CrashLoopBackOff, 재시작 6회"
    assert crash.describe("en") == "loki-promtail-x7k2m CrashLoopBackOff, 6 restarts"
    unready = PodProblem("loki-0", "Running 0/1 Ready", 0, False, containers=(0, 1))
    assert unready.describe("ko") == "loki-0 Running이지만 컨테이너 1개 중 0개만 Ready"
    with pytest.raises(AllocationError) as caught:
        summarise('{"code": 200}')
    korean = caught.value.describe(lang="ko")
    assert korean == "응답이 할당 API 형태가 아닙니다: $.data: 기대 할당 세트의 배열, 실제 없음"
    with pytest.raises(MalformedAnswer) as bad:
        read_targets("[]")
    assert bad.value.phrase.render("ko") == "응답이 JSON 객체가 아님"


@pytest.mark.parametrize(
    ("messages_yaml", "said"),
    [
        (
            'my.gone: {ko: "{service}{이/가} 없습니다", en: "{svc} is missing"}\n',
            "my.gone must use the same placeholders in every language (ko: {service}; en: {svc})",
        ),
        ('my.half: {ko: "한국어만"}\n', "my.half needs a text for each of ko, en"),
        ('nodes.none: {ko: "노드", en: "nodes"}\n', "'nodes.none' is already a pytest-kubelab key"),
        ("- a list\n", "the top level must map message keys to texts"),
        ("my.key: {ko: [\n", "not valid YAML"),
    ],
)
def test_a_labs_message_mistake_stops_the_run_naming_the_key(
    messages_yaml: str, said: str, tmp_path: Path, outer_run: None
) -> None:
    (tmp_path / "messages.yaml").write_text(messages_yaml, encoding="utf-8")
    with pytest.raises(CatalogError) as stopped:
        add_lab_messages(tmp_path)
    assert said in str(stopped.value)
