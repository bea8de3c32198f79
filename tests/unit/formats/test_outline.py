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
