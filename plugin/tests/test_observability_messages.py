"""The observability checks' messages: every key they use exists, in Korean and English,
and both languages take the same placeholders (so no translation drops a name or count).

The lab's own checks and their messages live in its folder (``tests/lab1_observability``:
``checks/*.py`` and ``messages.yaml``); ``nodespread`` is the plugin's, with its message in
the package catalog.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from pytest_kubelab.catalog import add_lab_messages, messages, placeholders

PACKAGE = Path(str(resources.files("pytest_kubelab")))
LAB = Path(__file__).resolve().parents[2] / "tests" / "lab1_observability"
CHECKS = [
    *sorted((LAB / "checks").glob("*.py")),
    PACKAGE / "checks" / "nodespread.py",
]
OWN = yaml.safe_load((LAB / "messages.yaml").read_text(encoding="utf-8"))
add_lab_messages(LAB)  # as a run of the lab does


def _placeholders(template: str) -> set[str]:
    return placeholders(template)  # particle tokens such as {이/가} are not parameters


@pytest.mark.parametrize("key", sorted(OWN))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = OWN[key]
    assert set(texts) >= {"ko", "en"}
    assert _placeholders(texts["ko"]) == _placeholders(texts["en"])


@pytest.mark.parametrize("module", CHECKS, ids=lambda path: path.stem)
def test_every_key_used_exists(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    used = set(re.findall(r'"((?:obs|workload|release)\.[a-z_.]+)"', source))
    assert used <= set(messages()), used - set(messages())


def test_every_module_is_checked() -> None:
    # The lab's checks package holds the checks; a module missed here would go unchecked.
    names = {path.stem for path in CHECKS}
    assert {"grafana", "prometheus", "loki", "jaeger", "demo_app", "nodespread"} <= names
