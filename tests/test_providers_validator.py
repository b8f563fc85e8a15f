"""The page validator: what a generated postcard page may and may not contain."""

from __future__ import annotations

import pytest

from providers.html_validator import validate_page
from tests.fakes.anthropic import page_for

IMAGE = "http://127.0.0.1:8000/blobs/images/t.png"


def good_page() -> str:
    """The fake Claude's well-made page with the real image URL."""
    return page_for("").replace("__POSTCARD_IMAGE_URL__", IMAGE)


def with_body(extra: str) -> str:
    return good_page().replace("</body>", f"{extra}</body>")


def test_a_self_contained_page_passes() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>'
        "<script>var ns = 'http://www.w3.org/2000/svg'; // tap to flip\n"
        "document.createElementNS(ns, 'circle'); el.style.top = '0'; location.reload();</script>"
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
        "<p>Visit us at https://example.com one day</p>"
    )
    csp = (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f'img-src {IMAGE[:21]} data:"><meta property="og:image" content="https://x.example/i">'
    )
    svg = csp + svg
    assert validate_page(with_body(svg), IMAGE) == []


@pytest.mark.parametrize(
    ("extra", "finding"),
    [
        ('<script src="https://cdn.example/lib.js"></script>', "external script"),
        ('<link rel="stylesheet" href="https://fonts.googleapis.com/css2">', "<link>"),
        ("<style>@import url('https://x.example/a.css');</style>", "@import"),
        ("<style>@font-face{src:url(https://x.example/f.woff2)}</style>", "url()"),
        ('<div style="background:url(/blobs/other.png)"></div>', "outside the page"),
        ('<img src="https://evil.example/x.png">', "outside the page"),
        ('<img srcset="a.png 1x, https://evil.example/b.png 2x">', "outside the page"),
        ('<form action="/steal"><input></form>', "forms"),
        ("<base href='https://evil.example/'>", "<base>"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "http-equiv"),
        ('<meta http-equiv="Link" content="<https://evil.example/x.css>">', "outside the page"),
        ('<a href="#" target="_top">x</a>', "target=_top"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("<iframe src='about:blank'></iframe>", "<iframe>"),
        ("<script>fetch('/api/v1/postcards')</script>", "fetch()"),
        ("<script>new XMLHttpRequest()</script>", "XMLHttpRequest"),
        ("<script>new WebSocket('wss://x')</script>", "WebSocket"),
        ("<script>new EventSource('/s')</script>", "EventSource"),
        ("<script>navigator.sendBeacon('/b', 'x')</script>", "sendBeacon"),
        ("<script>eval('1+1')</script>", "eval()"),
        ("<script>var f = new Function('return 1')</script>", "new Function"),
        ("<script>setTimeout('go()', 10)</script>", "string timers"),
        ("<script>window.top.location = 'https://x'</script>", "top navigation"),
        ("<script>parent.location.href = '#'</script>", "top navigation"),
        ("<script>location.href = 'https://evil.example'</script>", "navigation"),
        ("<script>document.cookie</script>", "document.cookie"),
        ("<script>localStorage.setItem('a', 1)</script>", "storage"),
        ("<script>alert(1)</script>", "alert"),
        ("<script>window.open('https://x')</script>", "window.open"),
        ("<script>import('https://x.example/m.js')</script>", "dynamic imports"),
        ("<script>var u = 'https://evil.example/p.gif'</script>", "outside the page"),
        ("<button onclick=\"fetch('/x')\">x</button>", "fetch()"),
        ('<div data-src="https://evil.example/x.png"></div>', "outside the page"),
    ],
)
def test_each_forbidden_construct_is_reported(extra: str, finding: str) -> None:
    findings = validate_page(with_body(extra), IMAGE)
    assert any(finding in item for item in findings), findings


def test_size_limit_and_structure() -> None:
    assert any("limit is 200,000" in f for f in validate_page(with_body("x" * 200_001), IMAGE))
    assert validate_page(with_body("x" * 1000), IMAGE, max_bytes=1000)
    assert any("complete HTML document" in f for f in validate_page("<p>hello</p>", IMAGE))
    assert any("never closed" in f for f in validate_page("<html><body><script>x", IMAGE))
