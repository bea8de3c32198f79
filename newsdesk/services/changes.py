"""What a write changed, so each view redraws only when it shows some of it.

NetNewsWire's ArticleChanges and Anki's OpChanges are the model: every write service
returns a `Changes`, and a face (the window, a server) decides from it what to re-read,
instead of re-reading everything after every operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    """Ids of what a write touched; empty sets and False flags mean "not touched".

    - `articles`: articles whose read or starred state changed.
    - `new_articles`: articles stored for the first time (or whose content was updated).
    - `sources`: sources whose row or unread count changed (added, edited, refreshed,
      removed, or one of their articles was marked).
    - `topics`: topic names added, removed or renamed (old and new names both).
    - `stories`: stories that gained articles (their comparison is stale).
    - `source_list`: sources were added, removed, renamed or moved to another folder, so
      the navigation's rows changed, not only its counts.
    - `topic_list`: topics were added, removed, renamed or given another query.
    - `all_articles`: too many articles changed to name (a view marked read, an undo, a
      source removed): every article view re-reads.
    - `annotated`: articles whose tags, codes or notes changed (their rows, the reader's
      annotations and a tag filter's view).
    - `tag_list`: tags were added, renamed, merged, recoloured or removed, or their counts
      changed (the navigation's Tags group).
    - `codebook_list`: codebooks were added or removed.
    - `story_list`: stories or storylines were regrouped, merged, split, linked, detached,
      followed or unfollowed (the navigation's Stories and Storylines groups, the story
      pane, the articles list's copies).
    """

    articles: frozenset[str] = frozenset()
    new_articles: frozenset[str] = frozenset()
    sources: frozenset[int] = frozenset()
    topics: frozenset[str] = frozenset()
    stories: frozenset[int] = frozenset()
    source_list: bool = False
    topic_list: bool = False
    all_articles: bool = False
    annotated: frozenset[str] = frozenset()
    tag_list: bool = False
    codebook_list: bool = False
    story_list: bool = False

    @classmethod
    def of(cls, *, articles: Iterable[str] = (), new_articles: Iterable[str] = (),
           sources: Iterable[int] = (), topics: Iterable[str] = (), stories: Iterable[int] = (),
           source_list: bool = False, topic_list: bool = False,
           all_articles: bool = False, annotated: Iterable[str] = (), tag_list: bool = False,
           codebook_list: bool = False, story_list: bool = False) -> Changes:
        """A Changes from any iterables (lists, tuples, generators)."""
        return cls(articles=frozenset(articles), new_articles=frozenset(new_articles),
                   sources=frozenset(sources), topics=frozenset(topics),
                   stories=frozenset(stories), source_list=source_list, topic_list=topic_list,
                   all_articles=all_articles, annotated=frozenset(annotated),
                   tag_list=tag_list, codebook_list=codebook_list, story_list=story_list)

    def __or__(self, other: Changes) -> Changes:
        """Both changes together (a refresh then its grouping, an import then its fetch)."""
        return Changes(articles=self.articles | other.articles,
                       new_articles=self.new_articles | other.new_articles,
                       sources=self.sources | other.sources, topics=self.topics | other.topics,
                       stories=self.stories | other.stories,
                       source_list=self.source_list or other.source_list,
                       topic_list=self.topic_list or other.topic_list,
                       all_articles=self.all_articles or other.all_articles,
                       annotated=self.annotated | other.annotated,
                       tag_list=self.tag_list or other.tag_list,
                       codebook_list=self.codebook_list or other.codebook_list,
                       story_list=self.story_list or other.story_list)

    def __bool__(self) -> bool:
        """False when nothing changed: a view need not redraw at all."""
        return bool(self.articles or self.new_articles or self.sources or self.topics
                    or self.stories or self.source_list or self.topic_list or self.all_articles
                    or self.annotated or self.tag_list or self.codebook_list
                    or self.story_list)

    @property
    def counts(self) -> bool:
        """Whether unread or topic counts may have changed (badges, the window title)."""
        return bool(self.articles or self.new_articles or self.sources or self.topic_list
                    or self.all_articles)


NOTHING = Changes()
