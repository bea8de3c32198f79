"""What the framing pane and the reports share in showing a comparison: one colour and
one short name per outlet, lag labels, and marking the words behind a figure in text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from newsdesk.analysis.cues import cue_pattern
from newsdesk.analysis.framing import Comparison, OutletFrame, term_pattern

OUTLET_COLORS = ("#3b7dd8", "#d9822b", "#2f9e6e", "#c2408f", "#8a63d2", "#c9a227",
                 "#3aa6b9", "#d0534f")  # readable on light and dark backgrounds


def outlet_color(index: int) -> str:
    """The index-th outlet's colour (outlets in the order they reported)."""
    return OUTLET_COLORS[index % len(OUTLET_COLORS)]


def outlets_in_order(comparison: Comparison) -> list[OutletFrame]:
    """The outlets in the order they reported (the timeline's), then by name."""
    order = {e.outlet: i for i, e in enumerate(comparison.timeline)}
    return sorted(comparison.outlets, key=lambda o: (order.get(o.outlet, len(order)), o.outlet))


def outlet_colors(outlets: list[OutletFrame]) -> dict[str, str]:
    return {o.outlet: outlet_color(i) for i, o in enumerate(outlets)}


def short_name(outlet: str) -> str:
    """A column label: initials of a several-word name, the start of a one-word name."""
    name = re.sub(r"\s*\(sample\)\s*$", "", outlet)
    parts = [w for w in re.findall(r"[\w'’]+", name) if w.lower() not in ("the", "a", "of")]
    if len(parts) >= 2:
        return "".join(p[0].upper() for p in parts[:4])
    return (parts[0][:5] if parts else outlet[:5]) or "?"


def lag_text(hours: float) -> str:
    """'first', '+25 min', '+4 h', '+3 d'."""
    if hours <= 0:
        return "first"
    if hours < 1:
        return f"+{round(hours * 60)} min"
    return f"+{hours:.0f} h" if hours < 48 else f"+{hours / 24:.0f} d"


def signed(score: float) -> str:
    """A tone score as +0.12 / -0.27, never '-0.00'."""
    return f"{score if abs(score) >= 0.005 else 0.0:+.2f}"


def word_pattern(text: str) -> re.Pattern[str]:
    """A term as written and any ending: 'fine' finds fines, fined; a phrase's words may
    have up to two short words between them."""
    return term_pattern(text)


def any_of(texts: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, longest first; None when there are none."""
    unique = {t for t in texts if t}
    return cue_pattern(unique) if unique else None


def highlight(text: str, pattern: re.Pattern[str] | None, before: str, after: str) -> str:
    """Escape text for HTML, wrapping each match of pattern in before/after."""
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out += [html.escape(text[last:match.start()]), before, html.escape(match.group(0)), after]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
