"""OPML export then import gives back what was exported, for any text a feed can hold."""

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.formats.opml import export_opml, parse_opml
from newsdesk.models import Source

# Text a user would recognise: no control, format or separator characters, no surrogates
# or noncharacters, single spaces, nothing around it.
NICE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
               max_size=20).map(lambda t: " ".join(t.split()))
ANY = st.text(max_size=20)


def _sources(title, part, path):
    return st.lists(st.tuples(title, st.lists(part, max_size=3), path),
                    max_size=8).map(lambda rows: [
        Source(id=i + 1, url=f"https://h{i}.example/{p}", title=t, folder="/".join(f))
        for i, (t, f, p) in enumerate(rows)])


def _read_back(sources):
    return sorted((f.url, f.title, f.folder) for f in parse_opml(export_opml(sources).encode()))


@settings(max_examples=300, deadline=None)
@given(_sources(NICE, NICE.filter(lambda p: "/" not in p), NICE))
def test_export_then_import_is_exact(sources):
    expected = sorted((s.url.strip(), s.title or s.url.strip(),
                       "/".join(p for p in s.folder.split("/") if p)) for s in sources)
    assert _read_back(sources) == expected


@settings(max_examples=300, deadline=None)
@given(_sources(ANY, ANY, ANY))
def test_any_text_exports_to_xml_that_reads_back_the_same_way_twice(sources):
    once = parse_opml(export_opml(sources).encode())  # never a parse error
    assert len(once) == len(sources)
    again = [Source(id=i + 1, url=f.url, title=f.title, folder=f.folder)
             for i, f in enumerate(once)]
    assert _read_back(again) == sorted((f.url, f.title or f.url, f.folder) for f in once)
