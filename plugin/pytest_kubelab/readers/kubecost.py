"""Validate and merge Kubecost/OpenCost allocation answers (``/model/allocation``).

Any lab that reads Kubecost's costs needs this reading, so it names no lab value: the
lab's check chooses the window, the aggregation and which names must have costs. The
real answer is ``{"code": 200, "data": [set, set, ...]}`` where each set is a
map keyed by allocation name (chart-facts 6). With ``window=7d`` Kubecost returns one
set per day, so a namespace's cost is the sum over the sets it appears in.

Merging rule for ``null`` (Kubecost writes NaN/Inf as null): a null counts as 0
when at least one set has a number for that field, because a day with no data
adds nothing. If every set has null for a field, the field stays unknown
(``None``), since reporting 0 would hide a broken cost model.

Nothing here raises on malformed input except :class:`AllocationError`; the
shape is checked with the JSON Schema kept in the package's ``schemas/allocation.schema.json``.
Its explanation is a catalog phrase (``alloc.*``), so a Korean message says it in
Korean; :meth:`AllocationError.describe` gives it in one language as text.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

from ..catalog import Joined, Phrase, joined, phrase

COST_FIELDS = ("cpuCost", "ramCost", "totalCost")
# What a missing required field should have been, for messages (the schema has the rest).
_REQUIRED_TYPES = {
    "code": phrase("alloc.want.code"),
    "data": phrase("alloc.want.data"),
    "name": phrase("json.type.string"),
}
_NUMBER_OR_NULL = phrase("alloc.want.number")
_MISSING = phrase("alloc.got.missing")
Text = str | Phrase | Joined  # a part of a message: plain, or rendered in the message's language
# Fields outdated examples (lab handouts, old docs) use instead of the real ones.
RENAMED_FIELDS = {"memoryCost": "ramCost"}


@dataclass(frozen=True)
class Mismatch:
    """One place where the answer differs from the schema: JSON path, expected, seen."""

    path: str
    expected: Text
    got: Text

    def phrase(self) -> Phrase:
        return phrase("alloc.mismatch", path=self.path, expected=self.expected, got=self.got)

    def describe(self, lang: str = "en") -> str:
        return self.phrase().render(lang)


class AllocationError(ValueError):
    """The answer is not a usable allocation payload; ``mismatches`` say where and why."""

    def __init__(self, summary: Phrase, mismatches: tuple[Mismatch, ...] = ()) -> None:
        super().__init__(summary.render("en"))
        self.summary = summary
        self.mismatches = mismatches

    def phrase(self, limit: int = 3) -> Phrase:
        """The summary and the first ``limit`` mismatches, in the message's language."""
        shown: list[Phrase] = [m.phrase() for m in self.mismatches[:limit]]
        if len(self.mismatches) > limit:
            shown.append(phrase("list.more", count=len(self.mismatches) - limit))
        if not shown:
            return self.summary
        return phrase("detail.labelled", label=self.summary, text=joined(shown, "; "))

    def describe(self, limit: int = 3, lang: str = "en") -> str:
        return self.phrase(limit).render(lang)


@dataclass(frozen=True)
class Cost:
    """Merged cost of one allocation (e.g. a namespace) over all sets."""

    name: str
    sets: int
    values: Mapping[str, float | None]  # COST_FIELDS -> sum, or None when null everywhere

    def value(self, field: str) -> float | None:
        return self.values.get(field)


def is_special(name: str) -> bool:
    """``__idle__``, ``__unallocated__``, ``__unmounted__``… are not namespaces."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # about 0.1 s of imports, paid only when an answer is validated

    text = (resources.files("pytest_kubelab") / "schemas" / "allocation.schema.json").read_text(
        encoding="utf-8"
    )
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def _json_type(name: str) -> Text:
    """A JSON Schema type name (``object``, ``number``…) in the message's language."""
    known = ("null", "boolean", "number", "integer", "string", "array", "object")
    return phrase(f"json.type.{name}") if name in known else name


def _type_name(value: Any) -> Text:
    if value is None:
        return _json_type("null")
    if isinstance(value, bool):
        return _json_type("boolean")
    if isinstance(value, float) and not math.isfinite(value):
        return phrase("alloc.got.non_finite")
    if isinstance(value, (int, float)):
        return _json_type("number")
    if isinstance(value, str):
        return phrase("alloc.got.string", value=json.dumps(value[:40], ensure_ascii=False))
    if isinstance(value, list):
        return _json_type("array")
    if isinstance(value, dict):
        return _json_type("object")
    return type(value).__name__


def _expected(error: jsonschema.ValidationError) -> Text:
    if error.validator == "type":
        wanted = error.validator_value
        if isinstance(wanted, list):
            return joined((_json_type(str(w)) for w in wanted), phrase("word.or"))
        return _json_type(str(wanted))
    if error.validator == "required":
        name = error.message.split("'")[1] if "'" in error.message else "?"
        return phrase("alloc.want.field", field=name)
    return f"{error.validator} {error.validator_value!r}"[:80]


def _mismatch(error: jsonschema.ValidationError) -> Mismatch:
    path = error.json_path
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        instance = error.instance if isinstance(error.instance, dict) else {}
        renamed = [old for old, new in RENAMED_FIELDS.items() if new == missing and old in instance]
        got = phrase("alloc.got.renamed", field=renamed[0]) if renamed else _MISSING
        return Mismatch(f"{path}.{missing}", _REQUIRED_TYPES.get(missing, _NUMBER_OR_NULL), got)
    if error.validator == "type" and path.count(".") == 2 and isinstance(error.instance, str):
        # $.data[0].name is a string: an outdated flat example, not a map keyed by name.
        return Mismatch(path, phrase("alloc.want.keyed_object"), _type_name(error.instance))
    return Mismatch(path, _expected(error), _type_name(error.instance))


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not valid JSON")


def parse(text: str) -> Any:
    """Parse the body as strict JSON (no NaN/Infinity literals)."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        snippet = " ".join(str(text)[:60].split())
        raise AllocationError(
            phrase("alloc.not_json", error=exc.__class__.__name__, snippet=repr(snippet))
        ) from None


def _flat_shape(payload: Any) -> tuple[Mismatch, ...]:
    """Recognise an outdated example: data items that are allocations, not maps of them."""
    data = payload.get("data") if isinstance(payload, dict) else None
    first = data[0] if isinstance(data, list) and data else None
    if not isinstance(first, dict) or not isinstance(first.get("name"), str):
        return ()
    # The example key is the answer's own first name, so the fix reads in the student's terms.
    name = json.dumps(first["name"][:40], ensure_ascii=False)
    found = [
        Mismatch(
            "$.data[0]",
            phrase("alloc.want.keyed_set", name=name),
            phrase("alloc.got.flat", name=name),
        )
    ]
    for old, new in RENAMED_FIELDS.items():
        if old in first:
            found.append(Mismatch(f"$.data[0].{old}", new, old))
    return tuple(found)


def check_shape(payload: Any) -> None:
    """Raise :class:`AllocationError` when ``payload`` does not have the real answer's shape."""
    flat = _flat_shape(payload)
    if flat:
        raise AllocationError(phrase("alloc.flat_shape"), flat)
    code = payload.get("code") if isinstance(payload, dict) else None
    if isinstance(code, int) and not isinstance(code, bool) and code != 200:
        message = payload.get("message")
        raise AllocationError(phrase("alloc.code", code=code, message=str(message or "")[:200]))
    try:
        errors = sorted(_validator().iter_errors(payload), key=lambda e: list(e.absolute_path))
        mismatches = tuple(_mismatch(e) for e in errors)
    except RecursionError:
        raise AllocationError(phrase("alloc.too_deep")) from None
    if mismatches:
        raise AllocationError(phrase("alloc.not_shape"), mismatches)


def _number(value: Any, path: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number):
        got = phrase("alloc.got.too_large") if isinstance(value, int) else _type_name(value)
        raise AllocationError(phrase("alloc.not_number"), (Mismatch(path, _NUMBER_OR_NULL, got),))
    return number


def merge(payload: Any) -> dict[str, Cost]:
    """Sum each allocation's costs over all sets (special ``__x__`` keys are skipped)."""
    check_shape(payload)
    totals: dict[str, dict[str, float | None]] = {}
    counts: dict[str, int] = {}
    for index, allocation_set in enumerate(payload["data"]):
        for name, allocation in (allocation_set or {}).items():
            if is_special(name):
                continue
            counts[name] = counts.get(name, 0) + 1
            merged = totals.setdefault(name, dict.fromkeys(COST_FIELDS))
            for field in COST_FIELDS:
                value = _number(allocation.get(field), f"$.data[{index}].{name}.{field}")
                if value is not None:
                    merged[field] = (merged[field] or 0.0) + value
    return {name: Cost(name, counts[name], values) for name, values in totals.items()}


def summarise(text: str) -> tuple[dict[str, Cost], int]:
    """Parse, validate and merge an answer body: (costs by name, number of sets)."""
    payload = parse(text)
    costs = merge(payload)
    return costs, len(payload["data"])
