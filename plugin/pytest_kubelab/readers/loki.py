"""Loki ``/loki/api/v1/query_range`` and ``/series``: are there log streams?"""

from __future__ import annotations

from . import MalformedAnswer, load_json, mapping, sequence


def read_streams(text: str) -> list[dict[str, str]]:
    """The label sets of the streams in a query_range (streams) or series answer."""
    body = mapping(load_json(text), "the answer")
    if body.get("status") != "success":
        raise MalformedAnswer(f"status is {body.get('status')!r}, not 'success'")
    data = body.get("data")
    if isinstance(data, list):  # /series: data is the list of label sets
        return [_labels(entry) for entry in data]
    data = mapping(data, "data")
    if data.get("resultType") not in (None, "streams"):
        raise MalformedAnswer(f"resultType is {data.get('resultType')!r}, not 'streams'")
    streams = []
    for raw in sequence(data.get("result"), "data.result"):
        entry = mapping(raw, "a stream")
        values = entry.get("values")
        if values is not None and not sequence(values, "a stream's values"):
            continue
        streams.append(_labels(entry.get("stream") or {}))
    return streams


def _labels(raw: object) -> dict[str, str]:
    labels = mapping(raw, "a label set")
    return {str(k): str(v) for k, v in labels.items()}
