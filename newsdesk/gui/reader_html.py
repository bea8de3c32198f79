"""The reader's HTML, adapted for QTextBrowser, and the words of its note bar. Pure: no Qt.

QTextBrowser knows a subset of HTML 4 and CSS 2: no <figure>, no borders on a <div>, and
it draws an <img> at its width and height attributes whatever the reader's width. So the
sanitized HTML (ingest/sanitize.py's allowlist) is adapted before it is shown: a figure
becomes a block with its caption as a paragraph below, an embed card (the sanitizer's
`<div class="newsdesk-embed">`) a one-cell bordered table in the theme's colours, and
images lose their size attributes (the reader sizes them to its width). A word diff
becomes spans in the palette's ins/del colours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.models import FullText
from newsdesk.offline.versions import DiffPart

_FIGURE_OPEN = re.compile(r"<figure\b[^>]*>", re.IGNORECASE)
_FIGURE_CLOSE = re.compile(r"</figure\s*>", re.IGNORECASE)
_CAPTION_OPEN = re.compile(r"<figcaption\b[^>]*>", re.IGNORECASE)
_CAPTION_CLOSE = re.compile(r"</figcaption\s*>", re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SIZE_ATTRIBUTE = re.compile(r"""\s(?:width|height|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""",
                             re.IGNORECASE)
_EMBED = re.compile(r"""<div\s+class\s*=\s*["']newsdesk-embed["']\s*>(.*?)</div\s*>""",
                    re.IGNORECASE | re.DOTALL)


def adapt(body: str, colors: Mapping[str, str]) -> str:
    """Sanitized article HTML as QTextBrowser can lay it out (see the module's docstring).
    `colors` is the theme's palette (formats/palette.py): the cards' border and fill."""
    body = _EMBED.sub(lambda m: embed_card(m.group(1), colors), body)
    body = _FIGURE_OPEN.sub('<div class="figure">', body)
    body = _FIGURE_CLOSE.sub("</div>", body)
    body = _CAPTION_OPEN.sub('<p class="caption">', body)
    body = _CAPTION_CLOSE.sub("</p>", body)
    return _IMG.sub(lambda m: _SIZE_ATTRIBUTE.sub("", m.group(0)), body)


def embed_card(inner: str, colors: Mapping[str, str]) -> str:
    """An embedded video, audio or page as a bordered block: Qt draws borders on tables
    only. `inner` is the card's own sanitized markup (kind, linked title, host)."""
    border, fill = colors.get("border", "#d8dde3"), colors.get("card", "#f6f8fa")
    return (f'<table class="embed" width="100%" cellspacing="0" cellpadding="10" border="1" '
            f'style="border-color:{border}; border-style:solid; border-collapse:collapse; '
            f'background-color:{fill}; margin-top:6px; margin-bottom:12px">'
            f'<tr><td style="border-color:{border}">{inner}</td></tr></table>')


def diff_html(parts: Sequence[DiffPart], colors: Mapping[str, str]) -> str:
    """A word diff as escaped HTML: removed words struck through on the palette's "del"
    colour, added ones on its "ins" colour, line breaks kept."""
    out: list[str] = []
    for part in parts:
        text = html.escape(part.text).replace("\n", "<br>")
        if part.op == "+":
            out.append(f'<span style="background-color:{colors["ins"]}; '
                       f'color:{colors["text"]}">{text}</span>')
        elif part.op == "-":
            out.append(f'<span style="background-color:{colors["del"]}; '
                       f'color:{colors["text"]}; text-decoration:line-through">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def short_time(when: datetime) -> str:
    """'2 Dec 14:02' in local time (no day-of-month padding, on every platform)."""
    local = when.astimezone()
    return f"{local.day} {local:%b %H:%M}"


# What the note bar's button does: show the other version, fetch the page, or nothing.
TOGGLE, FETCH, NONE = "toggle", "fetch", ""


@dataclass(frozen=True, slots=True)
class Note:
    """The reader's note bar: its sentence, its button's text and what the button does,
    and whether to offer "Show changes" (the article has earlier versions)."""

    text: str
    button: str = ""
    action: str = NONE
    changes: bool = False

    @property
    def shown(self) -> bool:
        return bool(self.text)


def note_for(fulltext: FullText | None, *, summary_only: bool, mode: str, showing_full: bool,
             versions: int, fetching: bool = False) -> Note:
    """What the bar above the article says.

    Extracted: where the text came from, with a toggle to the feed's version. Not fetched
    and the feed gave a summary only: an offer to fetch it (F), unless the source's full
    text is "off". Kept summary, not an article, failed: the reason (a failed fetch may be
    tried again). Earlier versions: "Updated N× since first seen", with Show changes.
    """
    updated = f"Updated {versions}× since first seen." if versions else ""
    text, button, action = "", "", NONE
    if fetching:
        text = "Fetching the full article…"
    elif fulltext is not None and fulltext.extracted:
        if showing_full:
            text = (f"Full text from the article's page, fetched "
                    f"{short_time(fulltext.fetched_at)}.")
            button, action = "Show the feed's version", TOGGLE
        else:
            text = "The feed's version."
            button, action = "Show the full text", TOGGLE
    elif fulltext is not None:
        text = fulltext.reason or {"kept_summary": "Kept the feed's summary.",
                                   "not_article": "The page is not an article.",
                                   }.get(fulltext.status, "The page could not be read.")
        if fulltext.status == "failed":
            button, action = "Try again (F)", FETCH
    elif summary_only and mode != "off":
        text = "The feed gave a summary only."
        button, action = "Fetch full article (F)", FETCH
    text = " ".join(filter(None, [text, updated]))
    return Note(text, button, action, changes=versions > 0)
