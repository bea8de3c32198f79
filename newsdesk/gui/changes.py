"""What a write changed, so each view redraws only what it shows (Anki's OpChanges,
NetNewsWire's ArticleChanges). Qt-free; replaced by the services' Changes at merge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changed:
    """What one write changed. An empty record changed nothing a view shows."""

    articles: frozenset[str] = frozenset()  # these articles' marks (read, starred) changed
    sources: frozenset[int] = frozenset()  # added, edited or removed (with their articles)
    topics: frozenset[str] = frozenset()  # added, edited, renamed (old and new) or removed
    stories: frozenset[int] = frozenset()  # grouped anew or grown
    marks: bool = False  # marks changed for articles not listed one by one (a whole view)
    everything: bool = False  # new articles, sources and stories at once (refresh, sample)

    @property
    def navigation(self) -> bool:
        """Whether the tree's entries (not only its counts) may differ."""
        return bool(self.sources or self.topics or self.stories or self.everything)

    @property
    def rows(self) -> bool:
        """Whether the list's rows may differ beyond marks changed in place."""
        return self.navigation or self.marks
