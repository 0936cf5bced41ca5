"""Settings declared once: a dataclass field made with ``knob`` is the whole truth about it.

A site file key (``SiteConfig``, ``WidgetConfig``) or a crawl-wide fetch setting
(``FetchSettings``) is a dataclass field whose ``knob`` carries its TOML key, its default,
what it means and the values it may take. From those fields come the checks a site file or
``crawl.toml`` passes (``check``), the defaults of every site, and the README's tables
(``markdown_table``; tests/test_config.py fails when the README drifts from it). Nothing
else in the code states a default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import MISSING, dataclass
from typing import Any

__all__ = ["Knob", "check", "knob", "knobs", "markdown_table"]


@dataclass(frozen=True)
class Knob:
    """One setting as declared on its dataclass field."""

    key: str  # the dotted TOML key ("politeness.delay")
    attr: str  # the dataclass field it fills
    kind: type  # the TOML type: str, bool, int, float (int accepted) or list
    default: Any  # MISSING when the key is required
    doc: str
    minimum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is MISSING


def knob(default: Any = MISSING, doc: str = "", *, key: str | None = None,
         minimum: float | None = None, choices: tuple[str, ...] = ()) -> Any:
    """A dataclass field documenting itself: ``delay: float = knob(1.0, "...", minimum=0)``.

    ``key`` is the TOML key when it is not the field's name (``politeness.delay``)."""
    return dataclasses.field(default=default, metadata={
        "knob": {"key": key, "doc": doc, "minimum": minimum, "choices": choices}})


def _kind(annotation: Any) -> type:
    """The TOML type of a field annotation: ``tuple[str, ...]`` is a list, ``X | None`` is X."""
    origin = typing.get_origin(annotation)
    if origin in (tuple, list):
        return list
    if origin in (typing.Union, types.UnionType):
        return _kind(next(a for a in typing.get_args(annotation) if a is not type(None)))
    return annotation


def knobs(cls: type) -> list[Knob]:
    """The knobs of a dataclass, in field order."""
    hints = typing.get_type_hints(cls)
    found = []
    for field in dataclasses.fields(cls):
        meta = field.metadata.get("knob")
        if meta is None:
            continue
        found.append(Knob(key=meta["key"] or field.name, attr=field.name,
                          kind=_kind(hints[field.name]), default=field.default,
                          doc=meta["doc"], minimum=meta["minimum"], choices=meta["choices"]))
    return found


def check(k: Knob, value: Any) -> str | None:
    """Why ``value`` cannot be the value of ``k``, or None when it can."""
    if k.kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        name = "number"
    elif k.kind is int:
        ok, name = isinstance(value, int) and not isinstance(value, bool), "whole number"
    elif k.kind is list:
        ok, name = isinstance(value, list) and all(isinstance(v, str) for v in value), \
            "list of strings"
    else:
        ok, name = isinstance(value, k.kind), {str: "string", bool: "boolean"}[k.kind]
    if not ok:
        return f"{k.key!r} must be a {name}, got {type(value).__name__} {value!r}"
    if k.minimum is not None and value < k.minimum:
        return f"{k.key!r} must be at least {k.minimum:g}, got {value!r}"
    if k.choices and value not in k.choices:
        options = ", ".join(repr(c) for c in k.choices)
        return f"{k.key!r} must be one of {options}, got {value!r}"
    return None


def _shown(value: Any) -> str:
    if value is MISSING:
        return "required"
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        return "`[]`" if not value else f"`{list(value)}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value!r}`" if isinstance(value, float) else f"`{value}`"


def markdown_table(entries: list[Knob]) -> str:
    """The README table of ``entries``: key, default, meaning."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for k in entries:
        doc = k.doc + (f"; at least {k.minimum:g}" if k.minimum is not None else "")
        if k.choices:
            doc += "; one of " + ", ".join(f'`"{c}"`' for c in k.choices)
        rows.append(f"| `{k.key}` | {_shown(k.default)} | {doc} |")
    return "\n".join(rows)
