import pytest

from newsdesk.formats.outline import any_of, highlight, lag_text, short_name, signed, word_pattern


@pytest.mark.parametrize(("outlet", "expected"), [
    ("The Daily Ledger (sample)", "DL"), ("Techdirt", "Techd"), ("Ars Technica", "AT")])
def test_short_names(outlet, expected):
    assert short_name(outlet) == expected


def test_highlight_escapes_everything_and_marks_matches():
    text = 'Acme <b>fined</b> & "fines"'
    assert highlight(text, word_pattern("fine"), "[", "]") == \
        'Acme &lt;b&gt;[fined]&lt;/b&gt; &amp; &quot;[fines]&quot;'
    assert highlight(text, None, "[", "]") == 'Acme &lt;b&gt;fined&lt;/b&gt; &amp; &quot;fines&quot;'
    assert highlight("a data leak", any_of(["leak", "data leak"]), "[", "]") == "a [data leak]"
    assert any_of([]) is None


def test_labels():
    assert [lag_text(h) for h in (0, 0.5, 4, 72)] == ["first", "+30 min", "+4 h", "+3 d"]
    assert signed(-0.001) == "+0.00" and signed(-0.27) == "-0.27"


def _outline():
    from newsdesk.analysis.framing import compare
    from newsdesk.formats.outline import build_outline
    from tests.unit.analysis.test_framing import STORY

    return build_outline("Acme fined", compare(STORY), urls={"w1": "https://wire.example/a"})


def test_outline_lists_outlets_in_reporting_order_with_stable_colours():
    from newsdesk.formats.palette import stable_outlet_color

    outline = _outline()
    assert [o.name for o in outline.outlets] == ["Wire", "Biz", "Blog"]
    # an outlet's colour is its own in every story, whatever order it reported in
    assert [o.color for o in outline.outlets] == [stable_outlet_color(n)
                                                 for n in ("Wire", "Biz", "Blog")]
    assert outline.header.summary == "3 outlets · 3 articles" and outline.header.first == "Wire"
    assert outline.header.alone == "" and not outline.single
    assert [(r.outlet.name, r.lag) for r in outline.timeline.rows] == [
        ("Wire", "first"), ("Biz", "+2 h"), ("Blog", "+5 h")]
    assert outline.articles["w1"].url == "https://wire.example/a"
    for section in (outline.frames, outline.headlines, outline.tone, outline.words,
                    outline.voices):
        assert [r.outlet.name for r in section.rows] == ["Wire", "Biz", "Blog"]


def test_every_figure_carries_its_sentences():
    outline = _outline()
    wire, _biz, blog = outline.tone.rows
    assert blog.loaded is not None and blog.loaded.proof.title == \
        "Blog: loaded words (2 its own, 0 inside quotations)"  # "allegedly": a stop word
    assert len(blog.loaded.proof.words) == len(blog.loaded.proof.sentences) == int(blog.loaded.text)
    assert blog.hedged is not None and blog.hedged.proof.title == "Blog: hedged sentences"
    assert wire.figure.proof.title == "Wire: its strongest sentences by tone (VADER, -1 to 1)"
    assert len(wire.figure.proof.scores) == len(wire.figure.proof.sentences)
    voices = {r.outlet.name: r for r in outline.voices.rows}
    sam = next(f for f in voices["Biz"].voices if f.text == "Sam Lee")
    assert sam.proof.title == "Biz quotes or cites Sam Lee" and sam.proof.sentences
    gone = next(f for f in voices["Wire"].missing if f.text == "Sam Lee")
    assert gone.proof.title == "Wire leaves out Sam Lee; the others quote them so"
    assert gone.proof.sentences == sam.proof.sentences
    kind = outline.outlets[2].kind
    assert kind.text == "opinion" and kind.proof.title.startswith("Why Blog reads as opinion: ")
    assert kind.proof.note and not kind.proof.sentences
    (primary,) = next(r for r in outline.links.rows if r.outlet.name == "Wire").primary
    assert primary.proof.url == "https://court.example/rulings/acme.pdf"
    assert primary.proof.title == "Wire links to a primary source"
    cites = next(r for r in outline.links.rows if r.outlet.name == "Blog").cites
    assert [c.text for c in cites] == ["Wire"] and cites[0].proof.sentences


def test_frame_cells_follow_the_dimensions():
    outline = _outline()
    keys = [k for k, _ in outline.frames.dimensions]
    for row in outline.frames.rows:
        assert [c.key for c in row.cells] == keys
        for cell in row.cells:
            assert (cell.figure is None) == (cell.share == 0)
            if cell.figure is not None:
                assert cell.figure.text == f"{cell.share:.0%}"
                assert cell.figure.proof.title == (
                    f"{row.outlet.name}: {cell.label} in {cell.count} of its {cell.total} "
                    f"framing sentences ({cell.share:.0%})")
                assert cell.count == len(cell.figure.proof.sentences)


def test_one_outlet_is_a_profile():
    from newsdesk.analysis.framing import compare
    from newsdesk.formats.outline import build_outline
    from tests.unit.analysis.test_framing import STORY

    alone = build_outline("Alone", compare(STORY[:1]))
    assert alone.single and alone.headlines.note == "" and alone.headlines.rows[0].marked is None
    assert alone.words.title == "Words it leans on"
    assert alone.header.alone.startswith("Only Wire has reported this so far;")
    ungrouped = build_outline("Alone", compare(STORY[:1]), grouped=False)
    assert ungrouped.header.alone.startswith("Not grouped into a story yet.")


def test_the_outline_is_frozen():
    import dataclasses

    outline = _outline()
    with pytest.raises(dataclasses.FrozenInstanceError):
        outline.label = "changed"  # type: ignore[misc]
