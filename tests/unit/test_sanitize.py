import pytest

from newsdesk.ingest.sanitize import html_to_text, sanitize_html, strip_markup

BASE = "https://outlet.example/news/story"


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script><p>x</p>", "alert"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="java\tscript:alert(1)">x</a>', "alert"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "alert"),
        ('<a href=" \x01javascript:alert(1)">x</a>', "alert"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "data:"),
        ('<iframe src="https://evil.example/"></iframe>', "evil"),
        ('<object data="https://evil.example/x.swf"></object>', "evil"),
        ('<embed src="https://evil.example/x.swf">', "evil"),
        ('<form action="https://evil.example/"><input name="p"></form>', "evil"),
        ('<div style="background:url(https://evil.example/t.png)">x</div>', "evil"),
        ("<style>@import url(https://evil.example/x.css)</style>", "evil"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "evil"),
        ('<base href="https://evil.example/">', "evil"),
        ('<svg><script>alert(1)</script></svg>', "alert"),
        ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", "javascript"),
        ('<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"></video>', "evil"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
        ('<img src="https://pixel.wp.com/g.gif?blog=1">', "pixel.wp.com"),
        ('<img src="https://outlet.example/p.gif" width="1" height="1">', "p.gif"),
        ('<img src="https://outlet.example/p.gif" width="0">', "p.gif"),
        ('<img src="https://www.google-analytics.com/collect?v=1">', "google-analytics"),
        ('<a href="https://x.example/" target="_blank">x</a>', "_blank"),
        ('<p id="x" class="evil-class">x</p>', "evil-class"),
        ("<noscript><img src='https://evil.example/ns.png'></noscript>", "evil"),
        ('<template><img src="https://evil.example/t.png"></template>', "evil"),
    ],
)
def test_hostile_html_is_neutralised(hostile, forbidden):
    assert forbidden.lower() not in sanitize_html(hostile, BASE).lower()


def test_links_get_rel_and_relative_urls_resolve():
    out = sanitize_html('<p><a href="../other">o</a> <img src="pic.jpg" alt="p"></p>', BASE)
    assert out == (
        '<p><a href="https://outlet.example/other" rel="noopener noreferrer">o</a> '
        '<img src="https://outlet.example/news/pic.jpg" alt="p"></p>'
    )


def test_relative_urls_without_base_are_dropped():
    assert sanitize_html('<a href="/x">x</a>', None) == '<a rel="noopener noreferrer">x</a>'


def test_structure_is_kept():
    html = ("<h2>Head</h2><blockquote cite='https://a.example/'>q</blockquote>"
            "<ul><li>a</li></ul><table><tr><td colspan='2'>c</td></tr></table>")
    out = sanitize_html(html, BASE)
    for piece in ("<h2>Head</h2>", 'cite="https://a.example/"', "<li>a</li>", 'colspan="2"'):
        assert piece in out


def test_real_images_stay():
    out = sanitize_html('<img src="https://outlet.example/big.jpg" width="640" height="480">', BASE)
    assert 'src="https://outlet.example/big.jpg"' in out


def test_html_to_text():
    html = sanitize_html("<p>One &amp; two</p><p>three<br>four</p><ul><li>a</li><li>b</li></ul>")
    assert html_to_text(html) == "One & two\n\nthree\nfour\n\na\n\nb"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("Ars &amp; <b>Tech</b> &lt;3", "Ars & Tech <3"),
        ("<script>alert(1)</script>Title", "Title"),
        ("  spaced\n  out ", "spaced out"),
        ("AT&amp;amp;T", "AT&amp;T"),
        ("", ""),
    ],
)
def test_strip_markup(fragment, expected):
    assert strip_markup(fragment) == expected


def test_empty_input():
    assert sanitize_html("") == ""
    assert sanitize_html("   ") == ""
