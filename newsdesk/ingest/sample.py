"""The offline sample corpus: invented outlets and events, shipped as real feed files.

`store_sample` runs the files through the same parse -> normalize -> sanitize -> store path
as fetched feeds, so a machine with no network shows real content. Grouping the stored
articles into stories is the caller's step (services.sample.load_sample).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from newsdesk.config import resource_path
from newsdesk.errors import ParseError, StoreError
from newsdesk.ingest.pipeline import body_hash, parse_and_normalize
from newsdesk.models import Source
from newsdesk.store import Store

log = logging.getLogger(__name__)

SAMPLE_DIR = "sample"
SAMPLE_FOLDER = "Samples"


@dataclass(frozen=True, slots=True)
class SampleLoad:
    """How loading the sample went: outlets loaded, article counts, and what failed."""

    outlets: int
    new: int
    updated: int
    unchanged: int
    failed: tuple[tuple[str, str], ...] = ()  # (outlet title, why) for outlets not loaded
    new_ids: tuple[str, ...] = ()  # articles stored for the first time (or updated)
    added_source_ids: tuple[int, ...] = ()  # sample sources added by this load
    changed_source_ids: tuple[int, ...] = ()  # ... or given new or updated articles


def store_sample(store: Store) -> SampleLoad:
    """Add the sample outlets (kind 'sample', never fetched) and store their articles.

    Each outlet is its own job: one that cannot be read or stored is recorded as that
    source's error and listed in `failed`, and the others still load.
    """
    manifest = json.loads(resource_path(SAMPLE_DIR, "outlets.json").read_text("utf-8"))
    now = datetime.now(UTC).replace(microsecond=0)
    new = updated = unchanged = 0
    failed: list[tuple[str, str]] = []
    new_ids: list[str] = []
    added: list[int] = []
    changed: list[int] = []
    for outlet in manifest["outlets"]:
        source: Source | None = None
        try:
            body = resource_path(SAMPLE_DIR, outlet["file"]).read_bytes()
            source, created = store.sources.add(outlet["feed_url"], title=outlet["title"],
                                               site_url=outlet["site_url"], folder=SAMPLE_FOLDER,
                                               kind="sample")
            if created:
                added.append(source.id)
            _, articles = parse_and_normalize(source, body, url=outlet["feed_url"],
                                              content_type=outlet.get("content_type", ""), now=now)
            with store.transaction():
                saved = store.articles.upsert(articles)
                store.sources.update(source.id, body_hash=body_hash(body), last_fetched_at=now,
                                    last_success_at=now, error_count=0, last_error_kind=None,
                                    last_error_message=None)
        except Exception as exc:
            message = _record_failure(store, source, exc, now)
            failed.append((str(outlet.get("title") or outlet.get("file")), message))
            continue
        new += len(saved.new_ids)
        updated += len(saved.updated_ids)
        unchanged += saved.unchanged
        new_ids += [*saved.new_ids, *saved.updated_ids]
        if saved.new_ids or saved.updated_ids:
            changed.append(source.id)
    return SampleLoad(len(manifest["outlets"]) - len(failed), new, updated, unchanged,
                      tuple(failed), new_ids=tuple(new_ids), added_source_ids=tuple(added),
                      changed_source_ids=tuple(changed))


def _record_failure(store: Store, source: Source | None, exc: Exception, now: datetime) -> str:
    """Log one outlet's failure and note it on its source, if it has one; return the sentence."""
    where = source.url if source else "?"
    if isinstance(exc, StoreError | ParseError):
        kind = "storage" if isinstance(exc, StoreError) else "parse_error"
        message = str(exc)
        log.error("sample outlet %s not loaded: %s", where, exc)
    else:
        kind = "internal"
        message = f"NewsDesk failed while loading this sample ({exc}); details are in its log."
        log.exception("sample outlet %s not loaded", where)
    if source is not None:
        try:
            store.sources.update(source.id, last_fetched_at=now, error_count=source.error_count + 1,
                                last_error_kind=kind, last_error_message=message)
        except Exception as again:
            log.error("could not record that failure either: %s", again)
    return message
