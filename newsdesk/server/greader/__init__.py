"""The Google Reader API as FreshRSS serves it at ``/api/greader.php/``: pure parsing and
formatting, no store and no HTTP (`ids` for item and stream ids and stream queries,
`format` for the JSON and Atom answers, `continuation` for page tokens, `edits` for the
POST bodies that change things).

Dialect notes, from reading FreshRSS (`p/api/greader.php`), FeedHQ's API reference and
newsboat's client:

- Stream ids: we send ``feed/<source id>`` (as FreshRSS and Miniflux do) and accept
  ``feed/<feed URL>`` too (FeedHQ's form, which clients use to subscribe). Folders and
  NewsDesk tags are both ``user/-/label/<name>``; storylines are offered as labels named
  ``Storyline <id>: <title>`` (the id alone identifies one, so a renamed storyline still
  matches). ``user/<numeric id>/...`` is the same as ``user/-/...`` for its owner.
- Item ids come in three forms: ``tag:google.com,2005:reader/item/<16 hex>`` (in items and
  Atom entries), signed 64-bit decimal (``stream/items/ids``), and bare hex; all map to
  ``articles.num``.
- Epoch seconds are numbers; milliseconds and microseconds are strings
  (``crawlTimeMsec``, ``timestampUsec``, ``newestItemTimestampUsec``).
- Write calls answer the two bytes ``OK`` (no newline: newsboat compares exactly).

What newsboat (Debian 2.21, ``urls-source "feedhq"``, ``feedhq-url``) sends, from
``src/feedhqapi.cpp``, ``src/feedhqurlreader.cpp``, ``rss/atomparser.cpp`` and
``src/rssparser.cpp``:

1. ``POST {url}/accounts/ClientLogin`` with ``service=reader&Email=..&Passwd=..&source=
   newsboat/<version>&accountType=HOSTED_OR_GOOGLE&continue=http://www.google.com/`` and
   reads the line that starts with ``Auth=``; every later call carries
   ``Authorization: GoogleLogin auth=<that>``.
2. ``GET {url}/reader/api/0/subscription/list?output=json``: only ``subscriptions[].id``
   and ``.title`` are read (the title becomes the feed's ``~name``; categories are not).
3. For each subscription, ``GET {url}/reader/atom/<id, percent-encoded whole, so
   feed%2F12>?n=<feedhq-min-items>``: an Atom feed, parsed like any other; the entry's
   ``<id>`` becomes the article's guid (sent back verbatim as ``i=``), and a
   ``<category scheme="http://www.google.com/reader/" label="...">`` sets its state:
   ``read`` marks it read, ``fresh`` or ``kept-unread`` unread (without one newsboat
   keeps its own state). With ``feedhq-show-special-feeds`` it also asks for
   ``reader/atom/user/-/state/com.google/{starred,broadcast,broadcast-friends}``, but at
   ``http://feedhq.org`` (hard-coded), never at our server.
4. Before every write, ``GET {url}/reader/api/0/token`` (the body is the token, used as
   ``T=``).
5. ``POST {url}/reader/api/0/edit-tag``, NOT percent-encoded: read is
   ``i=<guid>&a=user/-/state/com.google/read&r=user/-/state/com.google/kept-unread&ac=edit
   &T=..``; unread is ``i=<guid>&r=.../read&a=.../kept-unread&a=.../tracking-kept-unread
   &ac=edit&T=..``; star is ``a=`` / ``r=user/-/state/com.google/starred``; share is
   ``.../broadcast`` (we ignore it). Success only when the answer is exactly ``OK``.
6. ``POST {url}/reader/api/0/mark-all-as-read`` with ``s=<stream id, decoded, not
   re-encoded>&T=..`` and no ``ts``: everything in the stream up to now. A ``feed/<URL>``
   id with ``&`` in it would be cut there, one more reason to send ``feed/<number>``.

Checked with newsboat 2.21 (Debian) against these modules behind a throwaway http.server
(December 2026): ``-x reload print-unread`` stored every entry with its ``tag:`` id as
guid and the server's read state; opening an article sent edit-tag read, ``N`` sent
edit-tag unread, ``A`` sent ``s=feed/3`` to mark-all-as-read, each parsed into the
command expected, and the next reload showed the changed counts.
"""
