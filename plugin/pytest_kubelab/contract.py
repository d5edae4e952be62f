"""The typed contract of a lab's ``expected:`` values, checked when ``lab.yaml`` loads.

Checks read names, ports and values from ``lab.yaml``'s ``expected:`` section. A lab folder
states their types in ``expected.schema.yaml`` beside ``lab.yaml``: a JSON Schema, written
in YAML. When the lab loads, ``expected:`` is validated against it, so a typo or a wrong
type stops the run with the file, the key and what is accepted::

    examples/webapp_lab/lab.yaml: expected.app.replicas must be an integer, got 'two'

instead of a ``KeyError`` in the middle of grading. A lab without the file is not checked.

Writing the schema by hand is not needed to start: ``python -m pytest_kubelab.contract
path/to/lab.yaml`` prints one inferred from the current values (every key required, no
unknown key allowed, the types as they are), to be saved as ``expected.schema.yaml`` and
loosened where the lab accepts more.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from . import yamlio

SCHEMA_FILENAME = "expected.schema.yaml"
# Kubernetes' default --service-node-port-range, for keys named *node_port.
NODEPORT_MIN, NODEPORT_MAX = 30000, 32767
# At most this many problems are listed; the first ones are enough to start fixing.
MAX_PROBLEMS = 5
_TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty (null)",
}


class ContractError(Exception):
    """``expected:`` does not match the lab's ``expected.schema.yaml`` (one line per problem)."""


def schema_for(spec_path: Path) -> Mapping[str, Any] | None:
    """The schema beside ``spec_path`` (a ``lab.yaml``), or None when the lab has none."""
    schema_path = spec_path.parent / SCHEMA_FILENAME
    if not schema_path.is_file():
        return None
    try:
        schema = yamlio.load(schema_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContractError(f"{schema_path}: not valid YAML: {exc}") from None
    if not isinstance(schema, Mapping):
        raise ContractError(f"{schema_path}: the top level must be a JSON Schema mapping")
    return schema


def check_expected(expected: Any, schema: Mapping[str, Any], where: str) -> None:
    """Raise :class:`ContractError` naming each key of ``expected`` that breaks ``schema``."""
    # Imported here: only labs that state a contract pay for jsonschema at start-up.
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        raise ContractError(
            f"{where}: {SCHEMA_FILENAME} is not a valid JSON Schema: {exc.message}"
        ) from None
    errors = sorted(
        validator_class(schema).iter_errors(expected), key=lambda e: [str(p) for p in e.path]
    )
    if errors:
        problems = [f"{where}: {_sentence(error)}" for error in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            problems.append(f"{where}: … and {len(errors) - MAX_PROBLEMS} more")
        raise ContractError("\n".join(problems))


def dotted(path: Sequence[Any]) -> str:
    """``expected.app.ports[2].name`` for the path ``["app", "ports", 2, "name"]``."""
    text = "expected"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _sentence(error: Any) -> str:
    key = dotted(list(error.absolute_path))
    kind, wanted, seen = error.validator, error.validator_value, error.instance
    if kind == "type":
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        accepted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return f"{key} must be {accepted}, got {seen!r}"
    if kind == "required":
        missing = [name for name in wanted if isinstance(seen, Mapping) and name not in seen]
        return f"{dotted([*error.absolute_path, missing[0]])} is missing (required)"
    if kind == "additionalProperties" and isinstance(seen, Mapping):
        known = set((error.schema.get("properties") or {}).keys())
        unknown = sorted(str(k) for k in seen if k not in known)
        accepted = ", ".join(sorted(known)) or "none"
        where = dotted([*error.absolute_path, unknown[0]])
        return f"{where} is not a known key (accepted: {accepted})"
    if kind == "enum":
        return f"{key} must be one of {', '.join(repr(v) for v in wanted)}, got {seen!r}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return f"{key} must be {sign[kind]} {wanted}, got {seen!r}"
    if kind in ("minItems", "minLength"):
        return (
            f"{key} must have at least {wanted} {'items' if kind == 'minItems' else 'characters'}"
        )
    return f"{key}: {error.message}"


def infer_schema(value: Any) -> dict[str, Any]:
    """A strict schema that ``value`` satisfies: its types, every key required, no other key."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if value is None:
        return {"type": "null"}
    if isinstance(value, Mapping):
        properties = {str(k): infer_schema(v) for k, v in value.items()}
        for key, sub in properties.items():
            if key.endswith("node_port") and sub == {"type": "integer"}:
                sub.update(minimum=NODEPORT_MIN, maximum=NODEPORT_MAX)
        return {
            "type": "object",
            "required": sorted(str(k) for k in value),
            "additionalProperties": False,
            "properties": properties,
        }
    items = [infer_schema(v) for v in value]
    schema: dict[str, Any] = {"type": "array", "minItems": 1} if items else {"type": "array"}
    if items:
        schema["items"] = _merge(items)
    return schema


def _merge(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema for every element of a list: mappings unite, their common keys stay required."""
    if all(s["type"] == "object" for s in schemas):
        properties: dict[str, dict[str, Any]] = {}
        for schema in schemas:
            for key, sub in schema["properties"].items():
                properties[key] = _merge([properties[key], sub]) if key in properties else sub
        required = set.intersection(*(set(s["required"]) for s in schemas))
        return {
            "type": "object",
            "required": sorted(required),
            "additionalProperties": False,
            "properties": properties,
        }
    unique = [s for i, s in enumerate(schemas) if s not in schemas[:i]]
    return unique[0] if len(unique) == 1 else {"anyOf": unique}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pytest_kubelab.contract LAB_YAML``: print an inferred schema file."""
    parser = argparse.ArgumentParser(
        prog="python -m pytest_kubelab.contract",
        description="Print a schema for the expected: values of a lab.yaml (JSON Schema in "
        "YAML), to save as expected.schema.yaml beside it.",
    )
    parser.add_argument("lab_yaml", type=Path, help="path/to/lab.yaml (the file, not its folder)")
    args = parser.parse_args(argv)
    path: Path = args.lab_yaml
    if path.is_dir() and (path / "lab.yaml").is_file():
        path = path / "lab.yaml"  # a lab folder names its lab.yaml well enough
    try:
        raw = yamlio.load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        parser.error(f"cannot read {path}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        parser.error(f"{path}: not UTF-8 text")
    except yaml.YAMLError as exc:
        parser.error(f"{path}: not valid YAML: {exc}")
    if not isinstance(raw, dict):
        parser.error(f"{path}: the top level must be a mapping with expected:")
    header = (
        f"# The typed contract of {path.name}'s expected: values (JSON Schema in YAML),\n"
        "# inferred by `python -m pytest_kubelab.contract`; loosen it where the lab accepts more.\n"
    )
    sys.stdout.write(
        header + yaml.safe_dump(infer_schema(raw.get("expected") or {}), sort_keys=False)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
