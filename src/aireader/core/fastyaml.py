"""A fast path for the simple YAML that nearly all front matter is.

``key: value`` lines, block lists (``- item``) and flow lists (``[a, b]``) of
plain or simply quoted scalars are read here, with YAML 1.1's own resolver
deciding what a plain scalar is (string, bool, int, float, null). Anything else
(nesting, block scalars, anchors, escapes, comments, tabs...) answers ``None``,
and the caller uses PyYAML: the fast path never guesses. A property test checks
that whatever it accepts, it reads exactly as PyYAML does.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from yaml.resolver import BaseResolver

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*))?$")
_ITEM = re.compile(r"([ ]*)-(?:[ ]+(.*))?$")
_PLAIN_START_BAD = frozenset("[]{}&*!|>'\"%@`#,?:-")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$")
_TRUE = frozenset(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"))
_STR_TAG = "tag:yaml.org,2002:str"
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_AWKWARD = re.compile("[\t\r\x85\u2028\u2029\ufeff]")  # tabs, and line breaks YAML knows


class _NotFast(Exception):
    pass


class _Resolver(BaseResolver):
    """YAML 1.1 implicit types, without timestamps (dates stay text, as in the loader)."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_RESOLVER = _Resolver()


def _plain(text: str) -> Any:
    value = text.strip(" ")
    if not value:
        return None
    if value[0] in _PLAIN_START_BAD or ": " in value or " #" in value or value.endswith(":"):
        raise _NotFast
    return _typed(value)


@functools.lru_cache(maxsize=4096)
def _typed(value: str) -> Any:
    """A plain scalar's value, as YAML 1.1 types it (tags and names recur from file
    to file, and the resolver is a loop over regular expressions: kept)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
    if tag == _STR_TAG:
        return value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value in _TRUE
    if tag.endswith(":int") and _DECIMAL.match(value):
        return int(value)
    if tag.endswith(":float") and _FLOAT.match(value):
        return float(value)
    raise _NotFast


def _scalar(text: str) -> Any:
    value = text.strip(" ")
    if value.startswith('"'):
        inner = value[1:-1]
        if len(value) < 2 or not value.endswith('"') or '"' in inner or "\\" in inner:
            raise _NotFast
        return inner
    if value.startswith("'"):
        inner = value[1:-1]
        if len(value) < 2 or not value.endswith("'") or "'" in inner.replace("''", ""):
            raise _NotFast
        return inner.replace("''", "'")
    return _plain(value)


def _flow_list(text: str) -> list[Any]:
    value = text.strip(" ")
    inner = value[1:-1]
    if not value.endswith("]") or any(c in inner for c in "[]{}'\"#"):
        raise _NotFast
    if not inner.strip(" "):
        return []
    items = inner.split(",")
    if not items[-1].strip(" "):
        items.pop()  # a trailing comma is allowed
    if any(not item.strip(" ") for item in items):
        raise _NotFast  # an empty entry is an error in YAML
    return [_plain(item) for item in items]


def load(text: str) -> dict[str, Any] | None:
    """The mapping ``text`` holds, or ``None`` when it is not in the simple subset."""
    if _AWKWARD.search(text) or _NON_PRINTABLE.search(text):
        return None
    result: dict[str, Any] = {}
    list_key: str | None = None
    indent = ""
    try:
        for line in text.split("\n"):
            if not line.strip(" "):
                continue
            match = _KEY.match(line)
            if match:
                key, raw = match.group(1), match.group(2)
                if key in result:
                    return None
                if raw is None or not raw.strip(" "):
                    result[key] = None
                    list_key = key
                    continue
                raw = raw.strip(" ")
                result[key] = _flow_list(raw) if raw.startswith("[") else _scalar(raw)
                list_key = None
                continue
            item = _ITEM.match(line)
            if item is None or list_key is None:
                return None
            current = result[list_key]
            if current is None:
                current = result[list_key] = []
                indent = item.group(1)
            elif item.group(1) != indent:
                return None
            current.append(_scalar(item.group(2) or ""))
    except _NotFast:
        return None
    return result
