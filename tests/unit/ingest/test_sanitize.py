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
        ('<iframe src="https://evil.example/"></iframe>', "<iframe"),  # a card: tests below
        ('<object data="https://evil.example/x.swf"></object>', "<object"),
        ('<embed src="https://evil.example/x.swf">', "<embed"),
        ('<form action="https://evil.example/"><input name="p"></form>', "evil"),
        ('<div style="background:url(https://evil.example/t.png)">x</div>', "evil"),
        ("<style>@import url(https://evil.example/x.css)</style>", "evil"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "evil"),
        ('<base href="https://evil.example/">', "evil"),
        ('<svg><script>alert(1)</script></svg>', "alert"),
        ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", "javascript"),
        ('<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"></video>', "p.png"),
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


@pytest.mark.parametrize("style", [
    "width:1px;height:1px", "WIDTH: 1PX; HEIGHT: 1PX", "width:0", "height: 0px !important",
    "display:none", "display: none !important", "visibility:hidden", "opacity:0",
    "max-width:1px", "width:/* hidden */1px", "color:red; display:none",
])
def test_pixels_sized_or_hidden_with_css_are_removed(style):
    html = f'<p>a<img src="https://outlet.example/p.gif" style="{style}">b</p>'
    assert sanitize_html(html, BASE) == "<p>ab</p>"


@pytest.mark.parametrize("style", ["width:640px", "width: 100%", "height:2px", "display:block",
                                   "opacity:0.5", "width:/* unclosed"])
def test_visible_images_keep_without_their_style(style):
    html = f'<p><img src="https://outlet.example/big.jpg" alt="a &quot;b&quot;" style="{style}"></p>'
    assert sanitize_html(html, BASE) == (
        '<p><img src="https://outlet.example/big.jpg" alt="a &quot;b&quot;"></p>')


def test_style_never_reaches_the_output():
    html = ('<img src="https://outlet.example/a.jpg" style="background:url(https://evil.example/t)">'
            '<div style="width:1px">x</div><span style="color:red">y</span>')
    out = sanitize_html(html, BASE)
    assert "style" not in out and "evil" not in out
    assert out == '<img src="https://outlet.example/a.jpg"><div>x</div><span>y</span>'


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("Clear\x1b[2J\x1b[Hscreen", "Clear[2J[Hscreen"),
        ("over\rwrite", "over write"),
        ("bell\x07 and \x00nul", "bell and nul"),
        ("C1\x85next\x9bcsi", "C1 nextcsi"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("iso\u2066late\u2069d", "isolated"),
        ("zero\u200bwidth\u200d\ufeff", "zerowidth"),
        ("line\u2028sep\u2029para", "line sep para"),
        ("entity &#27;[2J &#x202E;x &#8203;y", "entity [2J x y"),
        ("tab\there\nnewline", "tab here newline"),
        ("Ünïcode — “quotes” 日本", "Ünïcode — “quotes” 日本"),
    ],
)
def test_strip_markup_removes_control_characters(fragment, expected):
    assert strip_markup(fragment) == expected


# ------------------------------------------------------------------ embedded media become cards


def _card(kind: str, inner: str) -> str:
    return f'<div class="newsdesk-embed"><p><b>{kind}</b>{inner}</p></div>'


def _link(url: str, title: str) -> str:
    return f' · <a href="{url}" rel="noopener noreferrer">{title}</a>'


@pytest.mark.parametrize(("embed", "card"), [
    ('<iframe src="https://www.youtube.com/embed/abc123XYZ_0?start=5" title="Flood &amp; rain">'
     "</iframe>", _card("Video", _link("https://www.youtube.com/watch?v=abc123XYZ_0", "Flood &amp; rain")
                        + " · youtube.com")),
    ('<iframe src="//player.vimeo.com/video/12345" aria-label="The bridge"></iframe>',
     _card("Video", _link("https://vimeo.com/12345", "The bridge") + " · vimeo.com")),
    ('<video controls src="/clips/1.mp4"><track kind="captions" label="Opening day"></video>',
     _card("Video", _link("https://outlet.example/clips/1.mp4", "Opening day") + " · outlet.example")),
    ('<audio controls><source src="https://cdn.example/ep1.mp3" type="audio/mpeg"></audio>',
     _card("Audio", _link("https://cdn.example/ep1.mp3", "cdn.example"))),
    ('<iframe src="https://w.soundcloud.com/player/?url=x"></iframe>',
     _card("Audio", _link("https://w.soundcloud.com/player/?url=x", "w.soundcloud.com"))),
    ('<object data="https://maps.example/embed?q=1"><embed src="https://maps.example/x"></object>',
     _card("Embedded content", _link("https://maps.example/embed?q=1", "maps.example"))),
    ('<iframe src="javascript:alert(1)" title="Click me"></iframe>',
     _card("Embedded content", " · Click me")),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', _card("Embedded content", "")),
    ('<iframe data-src="https://datawrapper.example/chart/7" title="<b>Votes</b>"></iframe>',
     _card("Embedded content", _link("https://datawrapper.example/chart/7", "Votes")
           + " · datawrapper.example")),
])
def test_embedded_media_become_a_card_with_title_and_link(embed, card):
    assert sanitize_html(f"<p>Before.</p>{embed}<p>After.</p>", BASE) == \
        f"<p>Before.</p>{card}<p>After.</p>"


def test_only_our_class_survives_and_a_forged_card_is_not_one():
    out = sanitize_html('<div class="newsdesk-embed big" style="position:fixed">forged</div>'
                        '<p class="x">p</p><iframe src="https://ok.example/f"></iframe>', BASE)
    assert out.count('class="newsdesk-embed"') == 1 and 'class="' not in out.replace(
        'class="newsdesk-embed"', "")
    assert out.startswith("<div>forged</div><p>p</p>")
    # without an embed (the fast path) no class survives at all
    assert sanitize_html('<div class="newsdesk-embed">forged</div>', BASE) == "<div>forged</div>"


@pytest.mark.parametrize("hostile", [
    '<iframe src="https://x.example/" title=\'"><script>alert(1)</script>\'></iframe>',
    '<video src="https://x.example/v.mp4" onplay="alert(1)">'
    '<track label="<img src=x onerror=alert(1)>"></video>',
    '<iframe src="https://x.example/"><iframe src="https://y.example/"></iframe></iframe>',
    "<iframe <iframe src=x></iframe>" * 50,
    '<object data="https://x.example/"' + ' a="b"' * 2000 + "></object>",
    "<video>" * 300 + "</video>" * 3,
    '<embed src="https://x.example/\u202e\u0000">',
    '<iframe src="https://x.example/" title="' + "t" * 10_000 + '"></iframe>',
])
def test_hostile_embeds_give_inert_cards(hostile):
    out = sanitize_html(hostile, BASE)
    lowered = out.lower()
    for bad in ("<script", "onerror", "onplay", "<iframe", "<video", "<embed", "<object", "<img"):
        assert bad not in lowered, bad
    assert "newsdesk-embed" in out
    assert html_to_text(out)  # the card says what was there


def test_a_fragment_without_embeds_is_unchanged_by_the_card_pass():
    fragment = ('<p>Text <a href="/x">link</a></p>'
                '<figure><img src="a.jpg" alt="a"><figcaption>c</figcaption></figure>')
    assert "newsdesk-embed" not in sanitize_html(fragment, BASE)
