"""YAML reading with libyaml's C parser when PyYAML was built with it (several times faster on the catalog).

Every document is checked before it is built into Python objects, because profiles come from users
(files, uploads, the API): aliases are refused (anchors let a few hundred bytes expand to gigabytes),
nesting is bounded, and every number must be finite and within :data:`MAX_MAGNITUDE`. None of
llmpick's own data files needs more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 32  # a profile is 3 levels deep; the catalog 6
MAX_MAGNITUDE = 1e15  # no count, price or volume in llmpick comes near; far below float overflow in sums
MAX_ECHO = 80  # characters of a user's value repeated in a message

_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"


class LimitError(ValueError):
    """A document beyond the limits above; the message names the path of the offending value."""


CACHE_FROM_CHARS = 32_768  # below this, parsing costs about what reading a cache entry does


def load_yaml(text: str, *, cache: bool = False) -> Any:
    """Parse YAML safely (no arbitrary objects, no aliases, bounded depth, finite numbers).

    Raises yaml.YAMLError (with a problem_mark) on bad input, including a broken limit. `cache`: a large
    document that parsed before is read back from the disk cache (parsing and checking it again takes tens of
    milliseconds) — for llmpick's own data files; never for what users send (profiles, uploads), which would
    fill the cache folder."""
    if not cache or len(text) < CACHE_FROM_CHARS:
        return _parse(text)
    from llmpick import diskcache

    # one entry per large file (the catalog's few): room for several catalog versions and overlays
    return diskcache.memo("yaml", [text, *_code_stamp()], lambda: _parse(text), keep=32)


@cache
def _code_stamp() -> list[bytes]:
    """This module's source, read once per process: the checks it applies are part of what a cached parse means."""
    from llmpick import diskcache

    return diskcache.source_stamp(__name__)


def _parse(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check(root: Node) -> None:
    """Walk the composed node graph: an alias shows up as a node reached twice."""
    seen: set[int] = set()
    for path, node, depth in _walk(root, "", 1):
        if id(node) in seen:
            raise _error(node, f"{path or 'document'}: YAML aliases (*name) are not allowed; write the value out")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _error(node, f"{path}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ScalarNode) and (node.tag in (_FLOAT, _INT) or not node.style):
            number = _number(node) if node.tag in (_FLOAT, _INT) else numeric_text(str(node.value))
            problem = number_problem(number)
            if problem:
                raise _error(node, f"{path or 'document'}: {problem}")


def _walk(node: Node, path: str, depth: int) -> Iterator[tuple[str, Node, int]]:
    yield path, node, depth
    if isinstance(node, MappingNode):
        for key, value in node.value:
            name = str(key.value)[:40] if isinstance(key, ScalarNode) else "?"
            child = f"{path}.{name}" if path else str(name)
            yield from _walk(key, child, depth + 1)
            yield from _walk(value, child, depth + 1)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            yield from _walk(item, f"{path}.{i}" if path else str(i), depth + 1)


def _number(node: ScalarNode) -> float | None:
    text = str(node.value).replace("_", "").lower()
    if node.tag == _FLOAT and text.lstrip("+-") in (".inf", ".nan"):
        return math.nan if "nan" in text else math.inf
    try:
        return float(text) if node.tag == _FLOAT else float(int(text, 0))
    except ValueError:  # sexagesimal or other YAML 1.1 oddities: left to the constructor
        return None


_NUMERIC = re.compile(r"^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|infinity|nan)$", re.IGNORECASE)


def numeric_text(text: str) -> float | None:
    """The number a string reads as when a validator would coerce it ('1e308', 'inf'), else None."""
    text = text.strip()
    if len(text) > 400 or not _NUMERIC.match(text):
        return None
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def number_problem(value: float | None) -> str | None:
    """Why a number is refused (not finite, or beyond MAX_MAGNITUDE), or None."""
    if value is None:
        return None
    if not math.isfinite(value):
        return f"must be a finite number (got {value})"
    if abs(value) > MAX_MAGNITUDE:
        return f"must be at most {MAX_MAGNITUDE:.0e} in size (got {value:.3g})"
    return None


def check_data(data: Any, prefix: str = "") -> list[str]:
    """The same limits for data parsed some other way (JSON, a form): 'path: problem' for each breach."""
    problems: list[str] = []
    stack: list[tuple[str, Any, int]] = [(prefix, data, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [f"{path}: nested more than {MAX_DEPTH} levels deep"]
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), v, depth + 1) for i, v in enumerate(value))
        elif isinstance(value, str):
            problem = number_problem(numeric_text(value))
            if problem:
                problems.append(f"{path or 'document'}: {problem}")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            problem = number_problem(float(value) if isinstance(value, float) or abs(value) < 10**300 else math.inf)
            if problem:
                problems.append(f"{path or 'document'}: {problem}")
    return sorted(problems)


def echo(value: Any, limit: int = MAX_ECHO) -> str:
    """repr(value) cut to ``limit`` characters, for messages that show the user what they sent."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error(node: Node, problem: str) -> yaml.YAMLError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
