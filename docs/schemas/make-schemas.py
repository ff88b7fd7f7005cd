#!/usr/bin/env python3
"""Drafts the JSON Schemas of kam's --format json outputs from sample outputs.

Usage: python3 docs/schemas/make-schemas.py NAME OUTPUT.json [OUTPUT.json ...] > docs/schemas/NAME.schema.json

A draft, to be read and tightened by hand: every key seen in every sample is required, a key
seen in some samples is optional, a value seen as null in any sample may be null, integers stay
integers unless a sample has a fraction. Objects allow further properties: a version (the
"schema" field, e.g. kam.rank/1) may gain fields, never lose or retype one.
"""
import json
import sys


def infer(value):
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        schema = {"type": "array"}
        items = None
        for element in value:
            items = infer(element) if items is None else merge(items, infer(element))
        if items is not None:
            schema["items"] = items
        return schema
    schema = {"type": "object", "properties": {k: infer(v) for k, v in value.items()}, "required": sorted(value)}
    return schema


def types(schema):
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind}


def merge(a, b):
    if a == b:
        return a
    kinds = types(a) | types(b)
    if "integer" in kinds and "number" in kinds:
        kinds.discard("integer")
    out = {}
    if "object" in kinds:
        pa, pb = a.get("properties", {}), b.get("properties", {})
        props = {}
        for key in list(pa) + [k for k in pb if k not in pa]:
            if key in pa and key in pb:
                props[key] = merge(pa[key], pb[key])
            else:
                props[key] = pa.get(key) or pb.get(key)
        out["properties"] = props
        ra = set(a.get("required", [])) if "object" in types(a) else None
        rb = set(b.get("required", [])) if "object" in types(b) else None
        required = ra & rb if ra is not None and rb is not None else (ra if ra is not None else rb)
        out["required"] = sorted(required)
    if "array" in kinds:
        ia, ib = a.get("items"), b.get("items")
        if ia and ib:
            out["items"] = merge(ia, ib)
        elif ia or ib:
            out["items"] = ia or ib
    order = ["object", "array", "string", "number", "integer", "boolean", "null"]
    listed = [k for k in order if k in kinds]
    out = {"type": listed[0] if len(listed) == 1 else listed, **out}
    return out


# Rules the samples cannot show: text cells of a prospect list may be missing (null) in any
# list; grades are one of five words; the "schema" field names the format and version.
NULLABLE_TEXT = {"name", "industry", "region", "manager", "team"}
GRADES = {"A", "B", "C", "D", "insufficient"}


def tighten(schema, samples, key=None):
    kind = types(schema)
    if key in NULLABLE_TEXT and kind <= {"string", "null"}:
        schema["type"] = ["string", "null"]
    if key == "schema" and kind == {"string"} and len(samples) == 1:
        schema["const"] = next(iter(samples))
    if key == "grade" and kind == {"string"} and samples and samples <= GRADES:
        schema["enum"] = sorted(GRADES)
    for name, child in schema.get("properties", {}).items():
        tighten(child, values(samples, name), name)
    if "items" in schema:
        tighten(schema["items"], {v for s in samples if isinstance(s, tuple) for v in s}, None)
    return schema


def values(samples, name):
    """The scalar values seen under `name` in sample objects (for const and enum)."""
    found = set()
    for sample in samples:
        if isinstance(sample, frozenset):
            for key, value in sample:
                if key == name:
                    found.add(value)
    return found


def freeze(value):
    """Hashable samples: objects as frozensets of (key, value), arrays as tuples."""
    if isinstance(value, dict):
        return frozenset((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def main():
    name = sys.argv[1]
    schema = None
    documents = set()
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        documents.add(freeze(document))
        sample = infer(document)
        schema = sample if schema is None else merge(schema, sample)
    schema = tighten(schema, documents)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://kam.example/schemas/{name}.schema.json",
        "title": f"kam {name} --format json",
        **schema,
    }
    json.dump(schema, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


main()
