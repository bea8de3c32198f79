import json
import runpy
from pathlib import Path

from newsdesk.config import resource_path
from newsdesk.services.sample import load_sample

SAMPLE = resource_path("sample")


def test_committed_feeds_match_the_corpus(tmp_path: Path):
    build = runpy.run_path(str(SAMPLE / "build.py"))["build"]
    for path in build(tmp_path):
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), (
            f"{path.name} is stale: run python resources/sample/build.py")


def test_sample_covers_formats_events_and_outlets(store):
    loaded = load_sample(store).sample
    assert loaded.outlets == 7  # the fixed corpus: resources/sample/outlets.json
    assert loaded.new == store.articles.count() == 43
    sources = store.sources.list()
    assert all(s.kind == "sample" and "(sample)" in s.title for s in sources)
    assert all(".example/" in s.url for s in sources)
    stories = json.loads((SAMPLE / "stories.json").read_text())
    assert len([e for e, urls in stories.items() if len(urls) >= 3]) == 8
    stored_urls = {a.url for a in store.articles.list()}
    assert all(url in stored_urls for urls in stories.values() for url in urls)
    formats = {o["content_type"] for o in json.loads((SAMPLE / "outlets.json").read_text())["outlets"]}
    assert formats == {"application/rss+xml", "application/atom+xml", "application/feed+json",
                       "application/rdf+xml"}


def test_loading_twice_changes_nothing(store):
    load_sample(store)
    again = load_sample(store).sample
    assert again.new == 0 and again.updated == 0


def test_one_outlet_that_fails_does_not_stop_the_others(store, monkeypatch, caplog):
    import newsdesk.ingest.sample as sample

    real = sample.parse_and_normalize
    outlets = json.loads((SAMPLE / "outlets.json").read_text())["outlets"]
    broken = outlets[1]["feed_url"]

    def parse(source, body, **kwargs):
        if source.url == broken:
            raise KeyError("sample bug")
        return real(source, body, **kwargs)

    monkeypatch.setattr(sample, "parse_and_normalize", parse)
    loaded = load_sample(store).sample
    assert loaded.outlets == len(outlets) - 1
    assert [title for title, _ in loaded.failed] == [outlets[1]["title"]]
    assert "sample bug" in loaded.failed[0][1]
    failed = store.sources.find(broken)
    assert (failed.last_error_kind, store.articles.count(failed.id)) == ("internal", 0)
    assert loaded.new == store.articles.count() > 0
    assert any(r.exc_info for r in caplog.records if r.levelname == "ERROR")
