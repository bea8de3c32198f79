"""The offline sample corpus: invented outlets and events, shipped as real feed files.

`load_sample` runs the files through the same parse -> normalize -> sanitize -> store path
as fetched feeds, so a machine with no network shows real content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from newsdesk.config import resource_path
from newsdesk.ingest.pipeline import body_hash, parse_and_normalize
from newsdesk.store.db import Store

SAMPLE_DIR = "sample"
SAMPLE_FOLDER = "Samples"


@dataclass(frozen=True, slots=True)
class SampleLoad:
    outlets: int
    new: int
    updated: int
    unchanged: int


def load_sample(store: Store) -> SampleLoad:
    """Add the sample outlets (kind 'sample', never fetched) and store their articles."""
    manifest = json.loads(resource_path(SAMPLE_DIR, "outlets.json").read_text("utf-8"))
    now = datetime.now(UTC).replace(microsecond=0)
    new = updated = unchanged = 0
    for outlet in manifest["outlets"]:
        body = resource_path(SAMPLE_DIR, outlet["file"]).read_bytes()
        source, _ = store.add_source(outlet["feed_url"], title=outlet["title"],
                                     site_url=outlet["site_url"], folder=SAMPLE_FOLDER,
                                     kind="sample")
        _, articles = parse_and_normalize(source, body, url=outlet["feed_url"],
                                          content_type=outlet.get("content_type", ""), now=now)
        with store.transaction():
            saved = store.upsert_articles(articles)
            store.update_source(source.id, body_hash=body_hash(body), last_fetched_at=now,
                                last_success_at=now)
        new += len(saved.new_ids)
        updated += len(saved.updated_ids)
        unchanged += saved.unchanged
    from newsdesk.clustering import update_stories

    update_stories(store)
    return SampleLoad(len(manifest["outlets"]), new, updated, unchanged)
