"""Loki ``/loki/api/v1/query_range`` and ``/series``: are there log streams?"""

from __future__ import annotations

from . import ANSWER, MalformedAnswer, load_json, mapping, part, sequence


def read_streams(text: str) -> list[dict[str, str]]:
    """The label sets of the streams in a query_range (streams) or series answer."""
    body = mapping(load_json(text), ANSWER)
    if body.get("status") != "success":
        raise MalformedAnswer(
            "field_value", field="status", seen=repr(body.get("status")), want="success"
        )
    data = body.get("data")
    if isinstance(data, list):  # /series: data is the list of label sets
        return [_labels(entry) for entry in data]
    data = mapping(data, "data")
    if data.get("resultType") not in (None, "streams"):
        raise MalformedAnswer(
            "field_value", field="resultType", seen=repr(data.get("resultType")), want="streams"
        )
    streams = []
    for raw in sequence(data.get("result"), "data.result"):
        entry = mapping(raw, part("stream"))
        values = entry.get("values")
        if values is not None and not sequence(values, part("stream_values")):
            continue
        streams.append(_labels(entry.get("stream") or {}))
    return streams


def _labels(raw: object) -> dict[str, str]:
    labels = mapping(raw, part("label_set"))
    return {str(k): str(v) for k, v in labels.items()}
