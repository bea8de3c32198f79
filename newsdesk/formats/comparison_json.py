"""A story's comparison as JSON for tools: every figure with its evidence, as analysed.

The same text is the store's cached comparison (`comparison_from_dict` reads it back), so
this shape changes only with the analysis, and both directions live here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from newsdesk.analysis.framing import (
    Comparison,
    Evidence,
    LoadedTerm,
    OutletFrame,
    ScoredTerm,
    TimelineEntry,
    Voice,
)


def to_json(label: str, comparison: Comparison) -> str:
    """The comparison as indented JSON under its story's label."""
    def default(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return json.dumps({"story": label, **asdict(comparison)}, default=default,
                      ensure_ascii=False, indent=2)


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a Comparison from `dataclasses.asdict` output that went through JSON
    (the store caches comparisons that way)."""
    def ev(items: Iterable[Mapping[str, str]]) -> tuple[Evidence, ...]:
        return tuple(Evidence(**e) for e in items)

    outlets = []
    for o in data["outlets"]:
        outlets.append(OutletFrame(
            outlet=o["outlet"], headlines=ev(o["headlines"]),
            headline_words=tuple(o["headline_words"]),
            distinctive=tuple(ScoredTerm(t["term"], t["z"], t["count"], ev(t["evidence"]))
                              for t in o["distinctive"]),
            voices=tuple(Voice(v["name"], ev(v["evidence"])) for v in o["voices"]),
            missing_voices=tuple(o["missing_voices"]), hedges=ev(o["hedges"]),
            loaded=tuple(LoadedTerm(t["word"], Evidence(**t["evidence"]), bool(t["quoted"]),
                                    bool(t["headline"])) for t in o["loaded"]),
            tone=o["tone"],
            tone_evidence=tuple((score, Evidence(**e)) for score, e in o["tone_evidence"]),
            frames=dict(o["frames"]),
            frame_evidence={k: ev(v) for k, v in o["frame_evidence"].items()},
            links_to_outlets=tuple(o["links_to_outlets"]),
            primary_sources=tuple(o["primary_sources"]),
            link_evidence={k: ev(v) for k, v in o["link_evidence"].items()}, kind=o["kind"],
            kind_reason=o["kind_reason"], tone_relative=o["tone_relative"],
            tone_band=o["tone_band"], tone_sentences=o["tone_sentences"]))
    return Comparison(
        timeline=tuple(TimelineEntry(t["outlet"], datetime.fromisoformat(t["published"]),
                                     t["hours_after_first"], t["article_id"])
                       for t in data["timeline"]),
        common_core=tuple(data["common_core"]), outlets=tuple(outlets),
        core_evidence={k: ev(v) for k, v in data["core_evidence"].items()})
