"""Check a generated postcard page: one parseable document that makes no request outside itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_PAGE_BYTES = 200_000
_NAMESPACES = frozenset(
    {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/XML/1998/namespace",
    }
)
_URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "ping",
        "cite",
        "manifest",
        "lowsrc",
        "longdesc",
        "icon",
        "xlink:href",
        "codebase",
        "archive",
    }
)
_FORBIDDEN_TAGS = {
    "form": "forms are not allowed",
    "base": "<base> is not allowed",
    "iframe": "<iframe> is not allowed",
    "frame": "<frame> is not allowed",
    "frameset": "<frameset> is not allowed",
    "object": "<object> is not allowed",
    "embed": "<embed> is not allowed",
    "applet": "<applet> is not allowed",
    "portal": "<portal> is not allowed",
}
_SCRIPT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reason)
    for pattern, reason in (
        (r"\bfetch\s*\(", "fetch() is not allowed"),
        (r"\bXMLHttpRequest\b", "XMLHttpRequest is not allowed"),
        (r"\bWebSocket\b", "WebSocket is not allowed"),
        (r"\bEventSource\b", "EventSource is not allowed"),
        (r"\bsendBeacon\b", "navigator.sendBeacon is not allowed"),
        (r"\bRTCPeerConnection\b", "WebRTC is not allowed"),
        (r"(?<![\w$.])eval\s*\(", "eval() is not allowed"),
        (r"\bnew\s+Function\b|(?<![\w$.])Function\s*\(", "new Function is not allowed"),
        (r"\bset(?:Timeout|Interval)\s*\(\s*['\"`]", "string timers (eval) are not allowed"),
        (r"(?<![\w$])import\s*\(|\bimportScripts\b", "dynamic imports are not allowed"),
        (r"\b(?:Shared)?Worker\s*\(|\bserviceWorker\b", "workers are not allowed"),
        (
            r"\bwindow\s*\.\s*(?:top|parent|opener)\b|(?<![\w$.])(?:top|parent|opener)\s*\.\s*"
            r"location\b",
            "top navigation (window.top/parent) is not allowed",
        ),
        (
            r"\blocation\s*\.\s*(?:href\s*=(?!=)|assign\b|replace\b)|(?<![\w$.])location\s*=(?!=)",
            "navigation (location changes) is not allowed",
        ),
        (r"\bwindow\s*\.\s*open\s*\(", "window.open is not allowed"),
        (
            r"\bdocument\s*\.\s*(?:cookie|domain|write(?:ln)?)\b",
            "document.cookie/domain/write is not allowed",
        ),
        (r"\b(?:localStorage|sessionStorage|indexedDB)\b", "storage APIs are not allowed"),
        (r"(?<![\w$.])(?:alert|confirm|prompt)\s*\(", "alert/confirm/prompt are not allowed"),
    )
)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_ABSOLUTE_URL = re.compile(r"(?:https?:)?//[^\s'\"`()<>\\]+", re.IGNORECASE)


def _inert_meta(values: dict[str, str]) -> bool:
    """Named metas and a Content-Security-Policy only describe or restrict; they fetch nothing."""
    equiv = values.get("http-equiv", "").lower()
    return not equiv or equiv == "content-security-policy"


class _PageScanner(HTMLParser):
    """Walks the document once, collecting findings about tags, attributes, styles and scripts."""

    def __init__(self, allowed_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_url = allowed_url
        self.findings: list[str] = []
        self.tags: set[str] = set()
        self.raw_text: str | None = None

    def _add(self, finding: str) -> None:
        if finding not in self.findings:
            self.findings.append(finding)

    def _allowed(self, url: str) -> bool:
        url = url.strip()
        return (
            url == self.allowed_url
            or url.startswith("#")
            or url.startswith("data:")
            or url in _NAMESPACES
            or url == ""
        )

    def _check_url(self, where: str, url: str) -> None:
        if not self._allowed(url):
            self._add(
                f"{where} points outside the page ({url[:80]}); only the illustration "
                "URL and data: URIs are allowed"
            )

    def check_css(self, where: str, css: str) -> None:
        if _CSS_IMPORT.search(css):
            self._add(f"{where}: @import is not allowed")
        for _, url in _CSS_URL.findall(css):
            self._check_url(f"{where} url()", url)

    def check_script(self, where: str, code: str) -> None:
        for pattern, reason in _SCRIPT_RULES:
            if pattern.search(code):
                self._add(f"{where}: {reason}")
        for url in _ABSOLUTE_URL.findall(code):
            if url.startswith("//") and not re.match(r"//[\w.-]+\.[a-z]{2,}", url, re.I):
                continue  # a `//` comment, not a protocol-relative URL
            self._check_url(f"{where} string", url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = {name: value or "" for name, value in attrs}
        if tag in _FORBIDDEN_TAGS:
            self._add(_FORBIDDEN_TAGS[tag])
        if tag == "script" and "src" in values:
            self._add(f"external script <script src={values['src'][:80]!r}> is not allowed")
        if tag == "link" and not values.get("href", "").startswith("data:"):
            self._add("<link> to external stylesheets, fonts or resources is not allowed")
        if tag == "meta" and values.get("http-equiv", "").lower() in ("refresh", "set-cookie"):
            self._add(f"<meta http-equiv={values['http-equiv']}> is not allowed")
        if values.get("target", "").lower() in ("_top", "_parent"):
            self._add(f"target={values['target']} (top navigation) is not allowed")
        for name, value in values.items():
            if tag == "meta" and name == "content" and _inert_meta(values):
                continue
            self._check_attribute(tag, name, value)
        if tag in ("script", "style"):
            self.raw_text = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.raw_text = None

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        where = f"<{tag} {name}>"
        if name == "srcset":
            for candidate in value.split(","):
                self._check_url(where, candidate.strip().split(" ")[0])
        elif name in _URL_ATTRIBUTES:
            if value.strip().lower().startswith("javascript:"):
                self._add(f"{where}: javascript: URLs are not allowed")
            elif name != "src" or tag != "script":
                self._check_url(where, value)
        elif name == "style":
            self.check_css(where, value)
        elif name.startswith("on"):
            self.check_script(where, value)
        elif name != "xmlns" and not name.startswith("xmlns:"):
            for url in _ABSOLUTE_URL.findall(value):
                if "://" in url:
                    self._check_url(where, url)

    def handle_data(self, data: str) -> None:
        if self.raw_text is not None:
            self.raw_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.raw_text is not None:
            if tag == "script":
                self.check_script("<script>", self.raw_text)
            else:
                self.check_css("<style>", self.raw_text)
            self.raw_text = None


def validate_page(html: str, allowed_url: str, max_bytes: int = MAX_PAGE_BYTES) -> list[str]:
    """Every reason the page is unacceptable; an empty list means it may be served."""
    findings: list[str] = []
    size = len(html.encode("utf-8"))
    if size > max_bytes:
        findings.append(f"the page is {size:,} bytes; the limit is {max_bytes:,}")
    scanner = _PageScanner(allowed_url)
    try:
        scanner.feed(html)
        scanner.close()
    except Exception as exc:  # html.parser raises only on badly broken markup
        return [*findings, f"the document does not parse: {exc}"]
    if scanner.raw_text is not None:
        findings.append("a <script> or <style> element is never closed")
    if "html" not in scanner.tags or "body" not in scanner.tags:
        findings.append("not a complete HTML document (<html> and <body> are required)")
    return findings + scanner.findings
