"""YAML loading: the shared parse of files read again and again (the simulator's bases)."""

from __future__ import annotations

import datetime

import pytest
import yaml
from pytest_kubelab import yamlio

TEXT = "items:\n  - {kind: Pod, metadata: {name: a, creationTimestamp: 2026-12-01T10:00:00Z}}\n"


def test_each_load_returns_data_of_its_own() -> None:
    first = yamlio.load_shared(TEXT)
    first["items"][0]["metadata"]["name"] = "changed by a caller"
    second = yamlio.load_shared(TEXT)
    assert second == yaml.safe_load(TEXT)
    assert second["items"][0]["metadata"]["name"] == "a"
    assert isinstance(second["items"][0]["metadata"]["creationTimestamp"], datetime.datetime)


def test_an_edited_text_is_parsed_again() -> None:
    assert yamlio.load_shared("a: 1\n") == {"a": 1}
    assert yamlio.load_shared("a: 2\n") == {"a": 2}


def test_invalid_yaml_fails_every_time() -> None:
    for _ in range(2):
        with pytest.raises(yaml.YAMLError):
            yamlio.load_shared("a: [1\n")
