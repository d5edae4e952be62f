"""The observability checks' messages: every key they use exists, in Korean and English,
and both languages take the same placeholders (so no translation drops a name or count)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from pytest_kubelab.catalog import messages, placeholders

PACKAGE = Path(str(resources.files("pytest_kubelab")))
CHECKS = ["prometheus_stack", "loki_stack", "jaeger", "demo_app", "grafana", "nodespread"]
OWN = yaml.safe_load((PACKAGE / "messages" / "observability.yaml").read_text(encoding="utf-8"))


def _placeholders(template: str) -> set[str]:
    return placeholders(template)  # particle tokens such as {이/가} are not parameters


@pytest.mark.parametrize("key", sorted(OWN))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = OWN[key]
    assert set(texts) >= {"ko", "en"}
    assert _placeholders(texts["ko"]) == _placeholders(texts["en"])


@pytest.mark.parametrize("module", CHECKS)
def test_every_key_used_exists(module: str) -> None:
    source = (PACKAGE / "checks" / f"{module}.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"((?:obs|workload|release)\.[a-z_.]+)"', source))
    assert used <= set(messages()), used - set(messages())
