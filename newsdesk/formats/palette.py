"""NewsDesk's one palette: the window's colours, the reports' and the outlets', as hex.

Qt-free, so the HTML report and the window (gui/theme.py, the charts) draw from the same
values; the stylesheet in resources/style fills its {key} slots from the same dicts.
"""

from __future__ import annotations

LIGHT: dict[str, str] = {
    "window": "#f4f5f7", "base": "#ffffff", "alt": "#f8f9fb", "text": "#1f2328",
    "muted": "#656d76", "border": "#d8dde3", "grid": "#eef0f3", "hover": "#e6e9ee",
    "selection": "#dbe8fb", "selection_text": "#0b2a52", "accent": "#2c5282",
    "accent_text": "#ffffff", "reader": "#ffffff", "button": "#ffffff", "notice": "#fff6d6",
    "warning": "#b7791f", "scroll": "#c5cbd3", "link": "#1f5fae", "unread": "#2c5282",
    # the comparison's own: a report's page and evidence cards, the mark behind a figure's words
    "page": "#ffffff", "card": "#f6f8fa", "mark": "#fff3bf",
    # a version's word diff: words added, words removed (struck through)
    "ins": "#d3f5dc", "del": "#fcdcdc",
}
DARK: dict[str, str] = {
    "window": "#1d2026", "base": "#23272e", "alt": "#262a31", "text": "#e6e8eb",
    "muted": "#9aa3ad", "border": "#353b44", "grid": "#2b3038", "hover": "#2f353d",
    "selection": "#2d4a6e", "selection_text": "#f2f6fb", "accent": "#6ea8fe",
    "accent_text": "#0d1117", "reader": "#1f2329", "button": "#2b3038", "notice": "#3d3520",
    "warning": "#f0b429", "scroll": "#4a515b", "link": "#8ab4f8", "unread": "#8ab4f8",
    "page": "#1d2026", "card": "#23272e", "mark": "#5c4a12",
    "ins": "#1f4a2e", "del": "#5a2326",
}
# One colour per outlet, in the order outlets reported: readable on light and dark.
# Twelve, not eight: a story's outlets are coloured by a hash of their names, and with
# eight two of the sample's five outlets shared one.
OUTLET_COLORS: tuple[str, ...] = ("#3b7dd8", "#d9822b", "#2f9e6e", "#c2408f", "#8a63d2",
                                  "#c9a227", "#3aa6b9", "#d0534f", "#6b8e23", "#b5651d",
                                  "#5c6bc0", "#e07b9a")


def outlet_color(index: int) -> str:
    """The index-th outlet's colour (outlets in the order they reported)."""
    return OUTLET_COLORS[index % len(OUTLET_COLORS)]


def colors_for(dark: bool) -> dict[str, str]:
    """The light or dark palette."""
    return DARK if dark else LIGHT


def stable_outlet_color(outlet: str) -> str:
    """An outlet's colour by its name, the same in every story and every run (a stable
    hash of the name, not Python's salted one)."""
    import zlib

    return OUTLET_COLORS[zlib.crc32(outlet.casefold().encode("utf-8")) % len(OUTLET_COLORS)]
