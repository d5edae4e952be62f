"""The lab spec as data: ``lab.yaml`` loaded into frozen dataclasses and validated.

A ``lab.yaml`` holds the checkpoints (id, step, title, hint, points, needs) and
the expected names, ports and values the checks compare against. Errors name
the file and the exact key, because instructors edit these files by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import contract, yamlio
from .catalog import LANGUAGES
from .sessionscope import SessionState

SPEC_FILENAME = "lab.yaml"
DEFAULT_ORDER = 100


class LabSpecError(Exception):
    """A ``lab.yaml`` is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Checkpoint:
    """One gradable checkpoint of a lab.

    ``needs`` lists the checkpoints without which this one cannot be judged at all
    (what it reads cannot exist or cannot be reached unless they hold): when one of
    them did not pass, this checkpoint is skipped as blocked. Everything else is
    judged on its own, so one mistake costs the points of what it really breaks.
    """

    id: str
    lab: str
    step: int
    order: int
    points: int
    needs: tuple[str, ...]
    title: Mapping[str, str]
    hint: Mapping[str, str]
    # Earlier checkpoints whose failure would likely explain a failure of this one. Unlike
    # ``needs`` they block nothing: the checkpoint is still judged, and when it fails its
    # message names the first of them that failed in this run.
    causes: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["ko"]

    def hint_in(self, lang: str) -> str:
        return self.hint.get(lang) or self.hint["ko"]


@dataclass(frozen=True)
class LabSpec:
    """A whole lab: its checkpoints in lab order plus the expected values."""

    name: str
    title: Mapping[str, str]
    path: Path
    expected: Mapping[str, Any]
    checkpoints: tuple[Checkpoint, ...]
    # Where this lab runs among the loaded labs (lab.yaml ``order``; lower first, then name).
    order: int = DEFAULT_ORDER
    # The kubeconfig context the lab's cluster has (``expected.context``, or kind's
    # ``kind-<cluster_name>``); None when the lab names neither, so no context is expected.
    context: str | None = None

    @property
    def steps(self) -> tuple[int, ...]:
        """The lab's step numbers, ascending, each once."""
        return tuple(sorted({c.step for c in self.checkpoints}))

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        for checkpoint in self.checkpoints:
            if checkpoint.id == checkpoint_id:
                return checkpoint
        raise LabSpecError(f"{self.path}: no checkpoint with id {checkpoint_id!r}")

    @property
    def max_score(self) -> int:
        return sum(c.points for c in self.checkpoints)


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise LabSpecError(f"{where} must map languages to text ({', '.join(LANGUAGES)})")
    missing = [lang for lang in LANGUAGES if not isinstance(raw.get(lang), str) or not raw[lang]]
    if missing:
        raise LabSpecError(f"{where} is missing text for: {', '.join(missing)}")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _int(raw: Any, where: str, minimum: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise LabSpecError(f"{where} must be an integer >= {minimum}, got {raw!r}")
    return raw


def _checkpoint(raw: Any, lab: str, order: int, where: str) -> Checkpoint:
    if not isinstance(raw, Mapping):
        raise LabSpecError(f"{where} must be a mapping")
    checkpoint_id = raw.get("id")
    if not isinstance(checkpoint_id, str) or not checkpoint_id:
        raise LabSpecError(f"{where}.id must be a non-empty string")
    needs = _ids(raw.get("needs", []), f"{where}.needs")
    causes = _ids(raw.get("causes", []), f"{where}.causes")
    return Checkpoint(
        id=checkpoint_id,
        lab=lab,
        step=_int(raw.get("step"), f"{where}.step", 1),
        order=order,
        points=_int(raw.get("points", 1), f"{where}.points", 0),
        needs=needs,
        title=_texts(raw.get("title"), f"{where}.title"),
        hint=_texts(raw.get("hint"), f"{where}.hint"),
        causes=causes,
    )


def _ids(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise LabSpecError(f"{where} must be a list of checkpoint ids")
    if len(set(raw)) != len(raw):
        raise LabSpecError(f"{where} names a checkpoint twice")
    return tuple(raw)


def parse_spec(raw: Any, path: Path) -> LabSpec:
    """Validate the parsed YAML of a lab spec and build a :class:`LabSpec`."""
    if not isinstance(raw, Mapping):
        raise LabSpecError(f"{path}: the top level must be a mapping")
    name = raw.get("lab")
    if not isinstance(name, str) or not name:
        raise LabSpecError(f"{path}: 'lab' must name the lab, e.g. observability")
    items = raw.get("checkpoints")
    if not isinstance(items, list) or not items:
        raise LabSpecError(f"{path}: 'checkpoints' must be a non-empty list")
    checkpoints = tuple(
        _checkpoint(item, name, order, f"{path}: checkpoints[{order}]")
        for order, item in enumerate(items)
    )
    _check_references(checkpoints, path)
    expected = raw.get("expected", {})
    if not isinstance(expected, Mapping):
        raise LabSpecError(f"{path}: 'expected' must be a mapping")
    return LabSpec(
        name=name,
        title=_texts(raw.get("title"), f"{path}: title"),
        path=path,
        expected=expected,
        checkpoints=checkpoints,
        order=_int(raw.get("order", DEFAULT_ORDER), f"{path}: order", 0),
        context=_context(expected, path),
    )


def _context(expected: Mapping[str, Any], path: Path) -> str | None:
    """The expected kubeconfig context: ``expected.context``, else kind's name for the cluster."""
    for key in ("context", "cluster_name"):
        value = expected.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise LabSpecError(f"{path}: expected.{key} must be a non-empty string, got {value!r}")
    if expected.get("context"):
        return str(expected["context"])
    # kind names the context of cluster NAME "kind-NAME" (kind create cluster --name NAME).
    return f"kind-{expected['cluster_name']}" if expected.get("cluster_name") else None


def _check_references(checkpoints: tuple[Checkpoint, ...], path: Path) -> None:
    seen: dict[str, Checkpoint] = {}
    for checkpoint in checkpoints:
        if checkpoint.id in seen:
            raise LabSpecError(f"{path}: checkpoint id {checkpoint.id!r} is used twice")
        for field_name, ids in (("needs", checkpoint.needs), ("causes", checkpoint.causes)):
            for other in ids:
                # It must come earlier in lab order, which also rules out cycles.
                if other not in seen:
                    raise LabSpecError(
                        f"{path}: {checkpoint.id}.{field_name} names {other!r}, "
                        "which is not an earlier checkpoint of this lab"
                    )
        both = set(checkpoint.needs) & set(checkpoint.causes)
        if both:
            raise LabSpecError(
                f"{path}: {checkpoint.id} lists {', '.join(sorted(both))} under both "
                "needs and causes; a need already blocks, so list it once"
            )
        seen[checkpoint.id] = checkpoint
    steps = [c.step for c in checkpoints]
    if steps != sorted(steps):
        raise LabSpecError(f"{path}: checkpoints must be listed in step order")


def _load_spec(path: Path) -> LabSpec:
    try:
        raw = yamlio.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LabSpecError(f"{path}: not valid YAML: {exc}") from exc
    spec = parse_spec(raw, path)
    try:
        # The lab's typed contract (expected.schema.yaml), when it states one.
        schema = contract.schema_for(path)
        if schema is not None:
            contract.check_expected(dict(spec.expected), schema, str(path))
    except contract.ContractError as exc:
        raise LabSpecError(str(exc)) from None
    return spec


# Per pytest run: a lab.yaml edited between two runs in one process (in-process
# self-tests) is read again, and a run never sees a spec only another run loaded.
_RUN_SPECS: SessionState[dict[Path, LabSpec]] = SessionState(dict)


class _SpecLoader:
    """:func:`load_spec`: loads each path once per pytest run."""

    def __call__(self, path: Path) -> LabSpec:
        """Load and validate one ``lab.yaml`` (cached per path for this pytest run)."""
        cache = _RUN_SPECS.get()
        if path not in cache:
            cache[path] = _load_spec(path)  # an invalid spec is not cached: it raises again
        return cache[path]

    def cache_clear(self) -> None:
        """Forget this run's loaded specs (as ``functools.cache`` offers)."""
        _RUN_SPECS.get().clear()


load_spec = _SpecLoader()


def find_spec_for(test_path: Path) -> Path | None:
    """Return the ``lab.yaml`` governing a test file: the nearest one in its folder or above."""
    for folder in test_path.parents:
        candidate = folder / SPEC_FILENAME
        if candidate.is_file():
            return candidate
    return None
