"""Template placeholders: opaque spans that never match and never glue their neighbours.

Recognised forms: ``{name}``, ``{0}``, ``{{ name }}``, ``{% block %}``, ``{# note #}``,
``${name}``, ``%(name)s``, ``<%= name %>``.
"""
from __future__ import annotations

import re

PLACEHOLDER_RE = re.compile(
    r"""
      \{\{.*?\}\}                                   # {{ name }}
    | \{%.*?%\} | \{\#.*?\#\}                       # {% tag %} {# comment #}
    | \$\{[^{}\n]+\}                                # ${name}
    | %\([^()\n]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]   # %(name)s
    | <%[=-]?.*?%>                                  # <%= name %>
    | \{[^{}\s]+\}                                  # {name} {0} {amount:.2f}
    """,
    re.VERBOSE | re.DOTALL,
)


def may_hold_placeholder(text: str) -> bool:
    """Whether ``text`` has what every placeholder form starts with ("$" and "%" alone are
    amounts and percentages): a cheap test most messages fail."""
    return "{" in text or "%(" in text or "<%" in text


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of every placeholder in ``text``."""
    if not may_hold_placeholder(text):
        return []
    return [m.span() for m in PLACEHOLDER_RE.finditer(text)]
