"""Which extraction library finds the article in a page: a score on saved real pages with
known article bodies, and pages per second of CPU time on one core.

    python bench/extract_eval.py [--only NAME ...] [--repeat N] [--per-page] [--json PATH]

Run it in a scratch venv that has the candidates (they are not NewsDesk's dependencies):

    python3 -m venv /work/eval-venv
    /work/eval-venv/bin/pip install -e . httpx trafilatura readability-lxml newspaper4k \
        goose3 justext boilerpy3
    /work/eval-venv/bin/python bench/extract_eval.py

A candidate that is not installed is skipped with a note, and so is NewsDesk's own
`newsdesk.offline.fulltext.extract` while it raises NotImplementedError.

The pages (bench/data/extraction, its README says where each comes from) are served by an
http.server on 127.0.0.1 in a thread and fetched with httpx, as NewsDesk fetches a page;
the extractors then run on the fetched text, one after the other, in this process.

The score is the one of the article-extraction benchmark of Zyte/Scrapinghub
(github.com/scrapinghub/article-extraction-benchmark, evaluate.py): the extracted plain
text and the expected article are split into word tokens (the regex \\w+), each page gives
true/false positives and false negatives over the multiset of 4-token shingles, normalised
so that every page weighs the same; precision and recall are the means over the pages and
F1 is their harmonic mean. The table also gives F1 over single tokens (a bag of words, the
shingle size 1), which forgives a different order and forbids nothing but wrong words.

Pages per second: time.process_time() around the extract calls only (not the fetch, not
the scoring), after one untimed warm-up call per extractor (imports, stop lists); the
process runs the extractors one at a time, so this is one core's CPU time and does not
move with the other load on the machine.

Two suites, each with its own bias (say so when quoting a number):
- mozilla: 20 real pages of Mozilla's Readability test suite (2015 snapshot); the expected
  article is readability.js's own output, so readability ports start ahead.
- newspaper4k: 8 real news pages of newspaper4k's test data; the expected text is
  newspaper's own output, so newspaper starts ahead.
Trafilatura's own evaluation pages (tests/cache + tests/evaldata.py) are not here: they
are not shipped in any package, and the copies we could read were 100-380 kB a page.

Results (2026-12-02, 28 pages, CPU-seconds of this machine; see
/work/helpers/extract_eval.md for the recommendation):

    extractor                       suite         P       R       F1      tok F1   empty   pages/s
    trafilatura 2.3.1               mozilla       0.957   0.955   0.956   0.964    0
    trafilatura 2.3.1               newspaper4k   0.881   0.998   0.936   0.937    0
    trafilatura 2.3.1               all           0.935   0.967   0.951   0.957    0       22.5
    readability-lxml 0.9            mozilla       0.983   0.960   0.972   0.977    0
    readability-lxml 0.9            newspaper4k   0.941   0.994   0.967   0.970    0
    readability-lxml 0.9            all           0.971   0.970   0.971   0.976    0       15.5
    newspaper4k 0.9.6               mozilla       0.991   0.857   0.919   0.924    0
    newspaper4k 0.9.6               newspaper4k   1.000   1.000   1.000   1.000    0
    newspaper4k 0.9.6               all           0.994   0.898   0.943   0.947    0       4.0
    goose3 3.1.22                   mozilla       0.980   0.845   0.907   0.924    0
    goose3 3.1.22                   newspaper4k   0.818   0.758   0.787   0.834    0
    goose3 3.1.22                   all           0.934   0.820   0.873   0.898    0       3.8
    justext 3.0.2                   mozilla       0.921   0.887   0.904   0.913    0
    justext 3.0.2                   newspaper4k   0.803   0.753   0.778   0.797    1
    justext 3.0.2                   all           0.891   0.849   0.869   0.881    1       22.1
    boilerpy3 1.0.7                 mozilla       0.961   0.904   0.932   0.937    0
    boilerpy3 1.0.7                 newspaper4k   0.837   0.849   0.843   0.866    0
    boilerpy3 1.0.7                 all           0.926   0.888   0.907   0.917    0       37.9
    P/R/F1: 4-token shingles (Scrapinghub's article-extraction-benchmark);
    tok F1: single tokens; empty: pages with no text; pages/s: per CPU-second of one core, all pages
    note: newsdesk: skipped, fulltext.extract was not implemented yet

    Recommendation: trafilatura (behind fulltext.extract). readability-lxml scores highest
    (F1 0.971 vs 0.951) but on references that are readability's and newspaper's own output;
    trafilatura is second on both, 1.5x faster (22.5 vs 15.5 pages/CPU-s), well kept, and gives
    metadata and language. newspaper4k/goose3 are 4 pages/s; justext and boilerpy3 lose text.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from statistics import mean
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = Path(__file__).resolve().parent / "data" / "extraction"
TOKEN = re.compile(r"\w+")
SHINGLE = 4

Extractor = Callable[[str, str, str], str]  # (html, url, lang) -> plain text


@dataclass(frozen=True)
class Page:
    """One saved page and the article it is known to hold."""

    name: str
    suite: str
    html: bytes
    expected: str
    lang: str
    url: str


# --- text of an html fragment (the expected articles, and extractors that give html) ---

_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
))
_SKIP = frozenset(("script", "style", "noscript", "template", "head"))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    """The visible text of an html fragment, with a line break at every block, so that
    words of two paragraphs never run together."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


# --- the metric ---

def shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def tp_fp_fn(expected: str, got: str, n: int) -> tuple[float, float, float]:
    """Per page, normalised to sum to 1 so that a long article weighs as much as a short one."""
    true, pred = shingles(expected, n), shingles(got, n)
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision, mean recall and their F1, with the benchmark's rules for empty sides."""
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p, r = (mean(ps) if ps else 0.0), (mean(rs) if rs else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- the candidates: each returns the article's plain text, "" when it finds none ---

_JUSTEXT_LANGS = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}


def _trafilatura() -> Extractor:
    import trafilatura

    def run(html: str, url: str, lang: str) -> str:
        return trafilatura.extract(html, url=url, include_comments=False) or ""
    return run


def _readability() -> Extractor:
    from readability import Document

    def run(html: str, url: str, lang: str) -> str:
        return html_text(Document(html, url=url).summary(html_partial=True))
    return run


def _newspaper() -> Extractor:
    from newspaper import Article

    def run(html: str, url: str, lang: str) -> str:
        article = Article(url, fetch_images=False)
        article.download(input_html=html)
        article.parse()
        return str(article.text)
    return run


def _goose() -> Extractor:
    from goose3 import Goose

    goose = Goose({"enable_image_fetching": False})

    def run(html: str, url: str, lang: str) -> str:
        return str(goose.extract(raw_html=html).cleaned_text)
    return run


def _justext() -> Extractor:
    import justext

    def run(html: str, url: str, lang: str) -> str:
        stoplist = justext.get_stoplist(_JUSTEXT_LANGS.get(lang, "English"))
        paragraphs = justext.justext(html.encode("utf-8"), stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return run


def _boilerpy() -> Extractor:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor(raise_on_failure=False)

    def run(html: str, url: str, lang: str) -> str:
        return str(extractor.get_content(html))
    return run


def _newsdesk() -> Extractor:
    from newsdesk.offline.fulltext import extract

    def run(html: str, url: str, lang: str) -> str:
        result = extract(html, url)
        return result.text if result.status == "extracted" else ""
    return run


CANDIDATES: dict[str, Callable[[], Extractor]] = {
    "trafilatura": _trafilatura,
    "readability-lxml": _readability,
    "newspaper4k": _newspaper,
    "goose3": _goose,
    "justext": _justext,
    "boilerpy3": _boilerpy,
    "newsdesk": _newsdesk,
}


def version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version({"readability-lxml": "readability-lxml", "justext": "jusText"}.get(name, name))
    except PackageNotFoundError:
        return "?"


# --- the pages, served on loopback and fetched as NewsDesk fetches ---

def load_pages(suites: set[str] | None) -> list[Page]:
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    for entry in manifest["pages"]:
        if suites and entry["suite"] not in suites:
            continue
        expected = gzip.decompress((DATA / entry["expected"]).read_bytes()).decode("utf-8")
        if entry["expected_kind"] == "html":
            expected = html_text(expected)
        pages.append(Page(entry["name"], entry["suite"], gzip.decompress((DATA / entry["page"]).read_bytes()),
                          expected, entry["lang"], entry["url"] or f"https://example.org/{entry['name']}"))
    return pages


def serve(pages: list[Page]) -> ThreadingHTTPServer:
    bodies = {f"/{p.suite}/{p.name}": p.html for p in pages}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch(pages: list[Page]) -> dict[str, str]:
    import httpx

    server = serve(pages)
    host, port = server.server_address[:2]
    try:
        with httpx.Client(timeout=10, trust_env=False, follow_redirects=False) as client:
            texts = {}
            for page in pages:
                response = client.get(f"http://{host!s}:{port}/{page.suite}/{page.name}")
                response.raise_for_status()
                texts[f"{page.suite}/{page.name}"] = response.text
            return texts
    finally:
        server.shutdown()
        server.server_close()


# --- the run ---

@dataclass
class Run:
    name: str
    cpu: float = 0.0
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)


def evaluate(name: str, extractor: Extractor, pages: list[Page], texts: dict[str, str], repeat: int) -> Run:
    run = Run(name)
    first = pages[0]
    try:
        extractor(texts[f"{first.suite}/{first.name}"], first.url, first.lang)  # warm-up, untimed
    except NotImplementedError:
        raise
    except Exception:
        pass  # a failure on the first page is counted below
    for page in pages:
        html = texts[f"{page.suite}/{page.name}"]
        text = ""
        for _ in range(repeat):
            start = time.process_time()
            try:
                text = extractor(html, page.url, page.lang)
            except NotImplementedError:
                raise
            except Exception as error:
                text = ""
                run.failures.append(f"{page.name}: {type(error).__name__}")
            run.cpu += time.process_time() - start
            run.calls += 1
        run.outputs[f"{page.suite}/{page.name}"] = text
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=sorted(CANDIDATES), help="these candidates only")
    parser.add_argument("--suite", nargs="+", help="these suites only (mozilla, newspaper4k)")
    parser.add_argument("--repeat", type=int, default=1, help="extract each page N times for the timing")
    parser.add_argument("--per-page", action="store_true", help="print each page's token F1")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    pages = load_pages(set(args.suite) if args.suite else None)
    texts = fetch(pages)
    suites = sorted({p.suite for p in pages})
    print(f"{len(pages)} pages fetched from 127.0.0.1 with httpx: "
          + ", ".join(f"{s} {sum(p.suite == s for p in pages)}" for s in suites))

    rows, notes, results = [], [], {}
    for name in args.only or list(CANDIDATES):
        try:
            extractor = CANDIDATES[name]()
            run = evaluate(name, extractor, pages, texts, args.repeat)
        except ImportError as error:
            notes.append(f"{name}: skipped, not installed ({error.name or error})")
            continue
        except NotImplementedError:
            notes.append(f"{name}: skipped, newsdesk.offline.fulltext.extract is not implemented yet")
            continue
        label = f"{name} {version(name)}" if name != "newsdesk" else "newsdesk (fulltext.extract)"
        result: dict[str, Any] = {"pages_per_cpu_second": run.calls / run.cpu if run.cpu else None,
                                  "failures": run.failures, "suites": {}}
        for suite in [*suites, "all"]:
            chosen = [p for p in pages if suite in ("all", p.suite)]
            got = [run.outputs[f"{p.suite}/{p.name}"] for p in chosen]
            shingle = scores([tp_fp_fn(p.expected, g, SHINGLE) for p, g in zip(chosen, got, strict=True)])
            token = scores([tp_fp_fn(p.expected, g, 1) for p, g in zip(chosen, got, strict=True)])
            empty = sum(not TOKEN.search(g) for g in got)
            result["suites"][suite] = {"precision": shingle[0], "recall": shingle[1], "f1": shingle[2],
                                       "token_f1": token[2], "empty": empty}
            rows.append((label, suite, *shingle, token[2], empty,
                         f"{run.calls / run.cpu:.1f}" if suite == "all" and run.cpu else ""))
            if args.per_page and suite != "all":
                for p, g in zip(chosen, got, strict=True):
                    f1 = scores([tp_fp_fn(p.expected, g, 1)])[2]
                    print(f"  {name:<16} {suite}/{p.name:<20} token F1 {f1:.3f}")
        if run.failures:
            notes.append(f"{name}: raised on {len(run.failures)} calls ({'; '.join(run.failures[:3])})")
        results[label] = result

    header = ("extractor", "suite", "P", "R", "F1", "tok F1", "empty", "pages/s")
    widths = (30, 12, 6, 6, 6, 7, 6, 8)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for label, suite, p, r, f1, tok, empty, speed in rows:
        cells = (label, suite, f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}", f"{tok:.3f}", str(empty), speed)
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
    print(f"P/R/F1: {SHINGLE}-token shingles (Scrapinghub's article-extraction-benchmark); tok F1: single "
          "tokens; empty: pages with no text; pages/s: per CPU-second of one core, all pages")
    for note in notes:
        print(f"note: {note}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
