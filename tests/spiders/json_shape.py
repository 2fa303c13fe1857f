"""The shape of a JSON answer (key set, nesting, types; no values), to compare with a real one.

A source's real captures may lack a licence that allows committing them; their shape is no
copy of their content. `shape_of` extracts it, `problems` lists where a hand-written fixture
(or a fake server's answer) leaves the real shape, so invented fixtures cannot drift from
what the source sends. Regenerate a shape file from downloaded captures with

    python -m tests.spiders.json_shape NAME=CAPTURE.json [NAME=CAPTURE.json ...] > shape.json

Objects whose keys are data (a facet's value -> count) are 'maps': name them with `maps`,
dotted paths where '*' stands for any key ('facetten.*.counts').
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path
from typing import Any

# The maps of the Jobsuche v6 search answer: facet values are data, not field names.
JOBSUCHE_MAPS = ("facetten.*.counts", "facetten.*.scores")


def shape_of(value: Any, maps: tuple[str, ...] = (), path: str = "") -> Any:
    """The shape of a JSON value: a type name, or a dict describing an object/array/map."""
    if isinstance(value, dict):
        if any(fnmatch.fnmatchcase(path, pattern) for pattern in maps):
            return {"map": _merged([shape_of(v, maps, f"{path}.*") for v in value.values()])}
        keys = {k: shape_of(v, maps, f"{path}.{k}".lstrip(".")) for k, v in value.items()}
        return {"object": dict(sorted(keys.items())), "required": sorted(keys)}
    if isinstance(value, list):
        return {"array": _merged([shape_of(v, maps, path) for v in value])}
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "float", str: "str"}[type(value)]


def _merged(shapes: list[Any]) -> Any:
    """One shape for several (array items, map values): keys united, required intersected."""
    result = None
    for shape in shapes:
        result = shape if result is None else merge(result, shape)
    return result


def merge(a: Any, b: Any) -> Any:
    """Two shapes as one: object keys united, required keys intersected, types united."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        if "object" in a:
            keys = {**a["object"]}
            for key, shape in b["object"].items():
                keys[key] = merge(keys[key], shape) if key in keys else shape
            required = sorted(set(a["required"]) & set(b["required"]))
            return {"object": dict(sorted(keys.items())), "required": required}
        kind = next(iter(a.keys()))
        if a[kind] is None or b[kind] is None:
            return {kind: a[kind] if b[kind] is None else b[kind]}
        return {kind: merge(a[kind], b[kind])}
    if isinstance(a, str) and isinstance(b, str):
        return "|".join(sorted(set(a.split("|")) | set(b.split("|"))))
    return "mixed"


def problems(sample: Any, real: Any, path: str = "$") -> list[str]:
    """Where `sample` leaves `real`: unknown keys, other types, missing required keys."""
    if real is None or sample is None:  # an empty array on either side says nothing
        return []
    if isinstance(real, str) or isinstance(sample, str):
        if not (isinstance(real, str) and isinstance(sample, str)):
            return [f"{path}: {_kind(sample)} where the real answer has {_kind(real)}"]
        extra = set(sample.split("|")) - set(real.split("|"))
        return [f"{path}: type {sample} where the real answer has {real}"] if extra else []
    if real.keys() != sample.keys():
        return [f"{path}: {_kind(sample)} where the real answer has {_kind(real)}"]
    if "object" not in real:
        kind = next(iter(real.keys()))
        return problems(sample[kind], real[kind], f"{path}[]" if kind == "array" else f"{path}.*")
    found = []
    for key, shape in sample["object"].items():
        if key not in real["object"]:
            found.append(f"{path}.{key}: not in the real answer")
        else:
            found += problems(shape, real["object"][key], f"{path}.{key}")
    missing = set(real["required"]) - set(sample["required"])
    found += [f"{path}.{key}: missing (every real one has it)" for key in sorted(missing)]
    return found


def _kind(shape: Any) -> str:
    return shape if isinstance(shape, str) else next(iter(shape.keys()))


def main(argv: list[str]) -> int:
    """Print the shapes of NAME=PATH captures as one JSON object."""
    shapes = {}
    for arg in argv:
        name, _, path = arg.partition("=")
        shapes[name] = shape_of(json.loads(Path(path).read_text(encoding="utf-8")), JOBSUCHE_MAPS)
    print(json.dumps(shapes, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
