"""Equivalence cases of two peer libraries' own test suites, as data.

Each pair is (input, what the peer makes of it): both name the same resource, so our
``canonical_url`` must give both one key. Taken from scrapy/w3lib ``tests/test_url.py``
(``canonicalize_url``, ``safe_url_string``, ``safe_download_url``: default arguments only)
and adbar/courlan ``tests/unit_tests.py`` (``normalize_url``, ``clean_url``: non-strict, no
language filter). Left out: cases with a page encoding for the query (``encoding=``, which a
link's key cannot know), ``keep_blank_values=False`` and ``strict=True`` (non-default
options), and courlan's ``scrub_url`` garbage (CDATA, markup, HTML entities in an href:
the HTML parser decodes those before a URL reaches us).
"""

from __future__ import annotations

W3LIB = [
    # canonicalize_url
    ("http://www.example.com/", "http://www.example.com/"),
    ("http://www.example.com", "http://www.example.com/"),
    ("http://www.example.com/do?a=1&b=2&c=3", "http://www.example.com/do?a=1&b=2&c=3"),
    ("http://www.example.com/do?c=1&b=2&a=3", "http://www.example.com/do?a=3&b=2&c=1"),
    ("http://www.example.com/do?&a=1", "http://www.example.com/do?a=1"),
    ("http://www.example.com:8888/do?a=1&b=2&c=3", "http://www.example.com:8888/do?a=1&b=2&c=3"),
    ("http://www.example.com:/do?a=1&b=2&c=3", "http://www.example.com/do?a=1&b=2&c=3"),
    ("http://www.example.com/do?c=3&b=5&b=2&a=50", "http://www.example.com/do?a=50&b=2&b=5&c=3"),
    ("http://www.example.com/do?b=&a=2", "http://www.example.com/do?a=2&b="),
    ("http://www.example.com/do?b=&c&a=2", "http://www.example.com/do?a=2&b=&c="),
    ("http://www.example.com/do?1750,4", "http://www.example.com/do?1750%2C4="),
    ("http://www.example.com/do?q=a space&a=1", "http://www.example.com/do?a=1&q=a+space"),
    ("http://www.example.com/do?q=a+space&a=1", "http://www.example.com/do?a=1&q=a+space"),
    ("http://www.example.com/do?q=a%20space&a=1", "http://www.example.com/do?a=1&q=a+space"),
    ("http://www.example.com/résumé", "http://www.example.com/r%C3%A9sum%C3%A9"),
    ("http://www.example.com/résumé?q=résumé",
     "http://www.example.com/r%C3%A9sum%C3%A9?q=r%C3%A9sum%C3%A9"),
    ("http://www.example.com/r%c3%a9sum%c3%a9", "http://www.example.com/r%C3%A9sum%C3%A9"),
    ("http://www.example.com/a%a3do", "http://www.example.com/a%A3do"),
    ("http://www.example.com/a%a3do?q=r%c3%a9sum%c3%a9",
     "http://www.example.com/a%A3do?q=r%C3%A9sum%C3%A9"),
    ("http://www.example.com/a%a3do?q=r%e9sum%e9", "http://www.example.com/a%A3do?q=r%E9sum%E9"),
    ("http://www.example.com/do?k=b%a3", "http://www.example.com/do?k=b%A3"),
    ("http://www.example.com/do?k=r%c3%a9sum%c3%a9", "http://www.example.com/do?k=r%C3%A9sum%C3%A9"),
    ("http://www.example.com/a do?a=1", "http://www.example.com/a%20do?a=1"),
    ("http://www.example.com/a %20do?a=1", "http://www.example.com/a%20%20do?a=1"),
    ("http://www.example.com/a do£.html?a=1", "http://www.example.com/a%20do%C2%A3.html?a=1"),
    ("http://www.example.com/do?price=£500&a=5&z=3",
     "http://www.example.com/do?a=5&price=%C2%A3500&z=3"),
    ("http://www.example.com/do?price(£)=500&a=1",
     "http://www.example.com/do?a=1&price%28%C2%A3%29=500"),
    ("http://user:pass@www.example.com:81/do?now=1", "http://user:pass@www.example.com:81/do?now=1"),
    ("http://user:pass@www.example.com/do?a=1#frag", "http://user:pass@www.example.com/do?a=1"),
    ("http://www.simplybedrooms.com/White-Bedroom-Furniture/Bedroom-Mirror:-Josephine-Cheval-"
     "Mirror.html", "http://www.simplybedrooms.com/White-Bedroom-Furniture/Bedroom-Mirror:-"
     "Josephine-Cheval-Mirror.html"),
    ("http://www.example.com/caf%E9-con-leche.htm", "http://www.example.com/caf%E9-con-leche.htm"),
    ("http://www.example.com/caf%e9-con-leche.htm", "http://www.example.com/caf%E9-con-leche.htm"),
    ("http://www.EXAMPLE.com/", "http://www.example.com/"),
    ("http://www.bücher.de?q=bücher", "http://www.xn--bcher-kva.de/?q=b%C3%BCcher"),
    ("http://はじめよう.みんな/?query=サ&maxResults=5",
     "http://xn--p8j9a0d9c9a.xn--q9jyb4c/?maxResults=5&query=%E3%82%B5"),
    ("http://foo.com/AC%2FDC+rocks%3f/?yeah=1", "http://foo.com/AC%2FDC+rocks%3F/?yeah=1"),
    ("http://foo.com/AC%2FDC/", "http://foo.com/AC%2FDC/"),
    ("http://.example.com/résumé?q=résumé", "http://.example.com/r%C3%A9sum%C3%A9?q=r%C3%A9sum%C3%A9"),
    ("http://www.example.com/path/to/%23/foo/bar", "http://www.example.com/path/to/%23/foo/bar"),
    ("http://www.example.com/path/to/%23/foo/bar#frag",
     "http://www.example.com/path/to/%23/foo/bar"),
    ("http://www.example.com/path/to/%23/foo/bar?url=http%3A%2F%2Fwww.example.com%2Fpath%2Fto%2F"
     "%23%2Fbar%2Ffoo", "http://www.example.com/path/to/%23/foo/bar?url=http%3A%2F%2F"
     "www.example.com%2Fpath%2Fto%2F%23%2Fbar%2Ffoo"),
    ("http://www.example.com/path/to/%23/foo/bar?url=http%3A%2F%2Fwww.example.com%2F%2Fpath%2Fto"
     "%2F%23%2Fbar%2Ffoo#frag", "http://www.example.com/path/to/%23/foo/bar?url=http%3A%2F%2F"
     "www.example.com%2F%2Fpath%2Fto%2F%23%2Fbar%2Ffoo"),
    # safe_url_string: the safe form names the same resource as what it was made from
    ("http://www.example.org/", "http://www.example.org/"),
    ("http://www.example.com/test?p(29)url(http://www.another.net/page)",
     "http://www.example.com/test?p(29)url(http://www.another.net/page)"),
    ("http://www.example.com/Brochures_&_Paint_Cards&PageSize=200",
     "http://www.example.com/Brochures_&_Paint_Cards&PageSize=200"),
    ("http://www.example.com/£", "http://www.example.com/%C2%A3"),
    ("http://example.com/test\n.html", "http://example.com/test.html"),
    ("http://example.com/test\t.html", "http://example.com/test.html"),
    ("http://example.com/test\r.html", "http://example.com/test.html"),
    ("http://example.com/test\r.html\n", "http://example.com/test.html"),
    ("http://example.com/test\r\n.html\t", "http://example.com/test.html"),
    ("http://example.com/test\a\n.html", "http://example.com/test%07.html"),
    ("http://localhost:8001/unwise{,},|,\\,^,[,],`?|=[]&[]=|",
     "http://localhost:8001/unwise%7B,%7D,|,%5C,%5E,[,],%60?|=[]&[]=|"),
    ('http://google.com/"hello"', "http://google.com/%22hello%22"),
    ("http://www.example.com/£?unit=µ", "http://www.example.com/%C2%A3?unit=%C2%B5"),
    ("http://www.example.com/£?unit=%C2%B5", "http://www.example.com/%C2%A3?unit=%C2%B5"),
    ("http://www.example.com/%C2%A3?unit=µ", "http://www.example.com/%C2%A3?unit=%C2%B5"),
    ("http://www.färgbolaget.nu/färgbolaget", "http://www.xn--frgbolaget-q5a.nu/f%C3%A4rgbolaget"),
    ("http://www.räksmörgås.se/?räksmörgås=yes",
     "http://www.xn--rksmrgs-5wao1o.se/?r%C3%A4ksm%C3%B6rg%C3%A5s=yes"),
    ("http://www.brændendekærlighed.com/brændende/kærlighed",
     "http://www.xn--brndendekrlighed-vobh.com/br%C3%A6ndende/k%C3%A6rlighed"),
    ("http://www.예비교사.com", "http://www.xn--9d0bm53a3xbzui.com"),
    ("http://理容ナカムラ.com", "http://xn--lck1c3crb1723bpq4a.com"),
    ("http://あーるいん.com", "http://xn--l8je6s7a45b.com"),
    ("http://www.bücher.de/?q=bücher", "http://www.xn--bcher-kva.de/?q=b%C3%BCcher"),
    ("http://кто.рф/", "http://xn--j1ail.xn--p1ai/"),
    ("http://кто.рф/index.php?domain=Что",
     "http://xn--j1ail.xn--p1ai/index.php?domain=%D0%A7%D1%82%D0%BE"),
    ("http://내도메인.한국/", "http://xn--220b31d95hq8o.xn--3e0b707e/"),
    ("http://nic.شبكة", "http://nic.xn--ngbc5azd"),
    ("https://www.贷款.在线", "https://www.xn--0kwr83e.xn--3ds443g"),
    ("https://www2.xn--0kwr83e.在线", "https://www2.xn--0kwr83e.xn--3ds443g"),
    ("http://www.example.com:80/résumé?q=résumé",
     "http://www.example.com:80/r%C3%A9sum%C3%A9?q=r%C3%A9sum%C3%A9"),
    ("http://www.example.com:/résumé?q=résumé",
     "http://www.example.com/r%C3%A9sum%C3%A9?q=r%C3%A9sum%C3%A9"),
    # safe_download_url
    ("http://www.example.org", "http://www.example.org/"),
    ("http://www.example.org/../", "http://www.example.org/"),
    ("http://www.example.org/../../images/../image", "http://www.example.org/image"),
    ("http://www.example.org/dir/", "http://www.example.org/dir/"),
]

COURLAN = [
    # normalize_url
    ("HTTPS://WWW.DWDS.DE/", "https://www.dwds.de/"),
    ("http://test.net/foo.html#bar", "http://test.net/foo.html#bar"),
    ("http://test.net/foo.html#:~:text=night-,vision", "http://test.net/foo.html#:~:text=night-,vision"),
    ("http://www.example.org:80/test.html", "http://www.example.org/test.html"),
    ("http://www.example.org:80?p=123", "http://www.example.org/?p=123"),
    ("https://hanxiao.io//404.html", "https://hanxiao.io/404.html"),
    ("http://xn--Mnchen-3ya.de", "http://münchen.de"),
    ("http://Mnchen-3ya.de", "http://mnchen-3ya.de"),
    ("http://xn--München.de", "http://xn--münchen.de"),
    ("https://www.deutschlandfunknova.de/beitrag/nord--und-s%C3%BCdgaza-israels-armee-verk%C3%BC"
     "ndet-teilung-des-gazastreifens", "https://www.deutschlandfunknova.de/beitrag/nord--und-s"
     "%C3%BCdgaza-israels-armee-verk%C3%BCndet-teilung-des-gazastreifens"),
    ("https://taz.de/Zukunft-des-49-Euro-Tickets/!5968518/",
     "https://taz.de/Zukunft-des-49-Euro-Tickets/!5968518/"),
    ("http://test.org/?s_cid=123&clickid=1", "http://test.org/"),
    ("http://test.org/?aftr_source=0", "http://test.org/"),
    ("http://test.org/?fb_ref=0", "http://test.org/"),
    ("http://test.org/?this_affiliate=0", "http://test.org/"),
    ("http://test.org/?utm_source=rss&utm_medium=rss", "http://test.org/"),
    ("http://test.org/?utm_source=rss&#038;utm_medium=rss", "http://test.org/"),
    ("http://test.org/#partnerid=123", "http://test.org/"),
    ("http://test.org/#mtm_campaign=documentation&mtm_keyword=demo&catpage=3",
     "http://test.org/#catpage=3"),
    ("http://test.org/#page2", "http://test.org/#page2"),
    ("http://test.net/foo.html?utm_source=twitter", "http://test.net/foo.html"),
    ("http://test.net/foo.html?testid=1", "http://test.net/foo.html?testid=1"),
    ("http://test.net/foo.html?testid=1&post=abc&page=2",
     "http://test.net/foo.html?page=2&post=abc&testid=1"),
    ("http://test.net/foo.html?page=2&itemid=10&lang=en",
     "http://test.net/foo.html?itemid=10&lang=en&page=2"),
    # clean_url
    ("https://example.org/?p=100", "https://example.org/?p=100"),
    ("https://example.org:443/file.html?p=100&abc=1#frag",
     "https://example.org/file.html?abc=1&p=100#frag"),
]

# What the peers keep apart and we must too (the other half of "one key per resource"):
# courlan keeps these fragments and query names; w3lib keeps %2F and %3F encoded.
DISTINCT = [
    ("http://test.net/foo.html?testid=1", "http://test.net/foo.html"),
    ("http://foo.com/AC%2FDC/", "http://foo.com/AC/DC/"),
    ("http://foo.com/rocks%3F/", "http://foo.com/rocks"),
    ("http://www.example.com/a%A3do", "http://www.example.com/a%C2%A3do"),
    ("http://www.example.com/do?q=a%2Bb", "http://www.example.com/do?q=a+b"),
    ("http://www.example.com/do?a=1%3Bb=2", "http://www.example.com/do?a=1;b=2"),
]
