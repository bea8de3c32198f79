"""Stories: articles from many outlets on one event. A model is a plug (model.py); today's
is TF-IDF over words and names (tfidf.py)."""

from newsdesk.analysis.stories.model import (
    STATE_FORMAT,
    Assignment,
    Batch,
    MemberLoader,
    MemberState,
    ModelState,
    StoryInput,
    StoryModel,
    StoryState,
    decode_features,
    encode_features,
)
from newsdesk.analysis.stories.tfidf import (
    Explanation,
    Story,
    StoryIndex,
    TfidfModel,
    explain,
    term_counts,
)

__all__ = [
    "STATE_FORMAT", "Assignment", "Batch", "Explanation", "MemberLoader", "MemberState",
    "ModelState", "Story", "StoryIndex", "StoryInput", "StoryModel", "StoryState",
    "TfidfModel", "decode_features", "encode_features", "explain", "term_counts",
]
