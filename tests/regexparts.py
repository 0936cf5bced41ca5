"""The top-level alternatives of a regular expression, for tests that read a pattern's
phrases (the README's table of widget headings, the appeals' word boundaries)."""

from __future__ import annotations


def top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` outside groups, classes and escapes."""
    parts, depth, current, escaped, in_class = [], 0, "", False, False
    for char in pattern:
        if escaped or in_class:
            current += char
            in_class = in_class and char != "]"
            escaped = False
            continue
        escaped, in_class = char == "\\", char == "["
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]
