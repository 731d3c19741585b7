"""The "no codes" check (issue 16): what a user reads on a zh-hans page, an export or a printed document must
be words, not codes. Shared by the server-side sweep (tests/test_no_codes.py) and the browser test
(tests/browser/test_no_codes.py), which both hand it the *visible* text of a page.

What counts as a code on a Chinese page:
- any run of Latin letters (3 or more): an enum value (``SUBSTITUTION``, ``investigating``, ``legal_review``),
  a model code, a login name (``b01_officer1``), an untranslated msgid ("created by", "Agreement signed") —
  except the few words below that are names in Chinese text too;
- a raw Python value: a dict or list repr (``{'public_report': True}``), ``user:14``, ``True``/``None``.
"""

import re
from html.parser import HTMLParser

# Latin words a Chinese page legitimately shows, each for a reason:
ALLOWED_WORDS = {
    # file formats and the product names users click on (按钮 "导出 Excel", "下载 PDF", "ZIP 包")
    "PDF",
    "CSV",
    "Excel",
    "XLSX",
    "ZIP",
    "GBK",
    "Parquet",
    "JSON",
    # the kinds of file an upload accepts, as the user's own files are named (pdf, jpg, docx …)
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "docx",
    "xlsx",
    # the character encoding a CSV file was read in (CSV（UTF-8）), as spreadsheet programs name it
    "UTF",
    # the case file's integrity digests are named after their algorithm (SHA-256) on the verify page
    "SHA",
    # the REST API's name on the developer pages (API 文档, API 令牌)
    "API",
    "REST",
    # payment-reform names used as such in Chinese policy texts (DRG 收付费改革, DIP 病种分值付费)
    "DRG",
    "DIP",
}
# Spans that are legitimately Latin, removed before the word check:
ALLOWED_SPANS = [
    re.compile(r"https?://\S+"),  # addresses (the public site, the API base URL)
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(
        r"[\w\u4e00-\u9fff()（）-]+\.(?:pdf|jpe?g|png|txt|csv|xlsx|zip|json|docx?)\b", re.IGNORECASE
    ),  # file names
    # SHA-256 digests, whole or shortened (the case file's verify page, document footers)
    re.compile(r"\b[0-9a-f]{8,64}\b(?:\.\.\.|…)?"),
    # numbers with a prefix: case numbers (B01-2026-0023), agreement numbers (JCYB-B03-2025-014-OLD),
    # document numbers, other systems' numbers of imported leads (DEMO-B01-screening-new); the letters are
    # part of the identifier
    re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Z0-9]*(?:-[\w\u4e00-\u9fff]+)+"),
    # unified social credit codes (统一社会信用代码, 18 characters) and institution/agreement numbers: the
    # register's identifiers, shown as identifiers
    re.compile(r"\b[0-9A-Z]{18}\b"),
    re.compile(r"\b[A-Z]\d{6,}\b"),
]
# A run of ASCII letters, digits and underscores that reads as a word or a code: three letters in a row
# ("created", "SUBSTITUTION", "AGE18"), or letters joined by an underscore ("b01_officer1"). "B01", "R39" or
# "GB18030" alone are not words (case number prefixes, standards).
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]*(?:[A-Za-z]{3}|[A-Za-z0-9]_[A-Za-z]))[A-Za-z0-9_]+")
# Penalty rule codes (R38, R41a): the rule's title belongs where a reader meets it.
RULE_CODE = re.compile(r"(?<![\w-])R\d{2}[a-z]?(?![\w-])")
# What a code column shows (``codes_allowed``): violation and screening rule codes, penalty rule codes.
CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}[0-9]*|R\d{2}[a-z]?")
PYTHON_REPR = re.compile(r"\{'|'\s*:\s*|\[\s*'|\b(?:True|False|None)\b|\b[a-z_]+:\d+\b")


def findings(text: str, *, codes_allowed: bool = False) -> list[str]:
    """The codes in ``text`` (visible text of a zh-hans page), each with a little context; [] when clean.

    ``codes_allowed``: the page is one where experts look codes up (the rules pages' dedicated code column):
    upper-case codes pass there, everything else is still checked."""
    found = []
    for match in PYTHON_REPR.finditer(text):
        found.append(_context(text, match))
    cleaned = text
    for span in ALLOWED_SPANS:
        cleaned = span.sub(" ", cleaned)
    for pattern in (LATIN_WORD, RULE_CODE):
        for match in pattern.finditer(cleaned):
            word = match.group()
            if word in ALLOWED_WORDS or (codes_allowed and CODE.fullmatch(word)):
                continue
            found.append(_context(cleaned, match))
    return found


def _context(text: str, match: re.Match) -> str:
    start, end = match.span()
    before = text[max(0, start - 25) : start].split("\n")[-1]
    after = text[end : end + 15].split("\n")[0]
    return f"{match.group()!r} in …{before}[{match.group()}]{after}…"


# Attributes a user reads: placeholders, alternative text, accessible names, button captions. A tooltip
# (``title=``) is where the issue puts a code for the expert (the violation's code over its name), so a
# tooltip counts only when it holds English words (an untranslated msgid), not when it holds a code.
READ_ATTRIBUTES = {"placeholder", "alt", "aria-label"}
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}\s+[a-z]{2,}")
SKIPPED_ELEMENTS = {"script", "style", "template", "noscript"}


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[bool] = []  # per open element: whether its content is skipped
        self.skipping = 0

    def _skips(self, tag, attrs) -> bool:
        if tag in SKIPPED_ELEMENTS:
            return True
        # Text marked as another language is meant to be read in it (the language switch's "English"); text
        # marked translate="no" (HTML's own attribute) is to be typed as it stands: the column names an
        # import file must carry.
        lang = attrs.get("lang")
        return (bool(lang) and not lang.lower().startswith("zh")) or attrs.get("translate") == "no"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID_ELEMENTS:
            skips = self._skips(tag, attrs)
            self.open.append((tag, skips))
            self.skipping += skips
        if self.skipping:
            return
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if attrs.get("title") and ENGLISH_PHRASE.search(attrs["title"]):
            self.parts.append(attrs["title"])
        # A button's caption; an option's ``value=`` is what the browser sends, not what the user reads.
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Close up to the matching open element (browsers forgive missing end tags of <p>, <li>, <option> …).
        if not any(name == tag for name, _skips in self.open):
            return
        while self.open:
            name, skips = self.open.pop()
            self.skipping -= skips
            if name == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """What a reader sees of an HTML page: its text outside scripts and styles, plus tooltips, placeholders,
    alternative texts, accessible names and button captions; one line per piece."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parts for parts in parser.parts)


# The same reading in a browser (tests/browser/test_no_codes.py): ``document.body.innerText`` (what is laid out,
# not scripts or hidden elements) without the text marked as another language or as not to be translated, as
# ``visible_text`` skips it.
VISIBLE_TEXT_JS = """() => {
  const marked = [...document.body.querySelectorAll('[lang]:not([lang^="zh"]), [translate="no"]')];
  const display = marked.map((element) => element.style.display);
  marked.forEach((element) => { element.style.display = "none"; });
  const text = document.body.innerText;
  marked.forEach((element, i) => { element.style.display = display[i]; });
  return text;
}"""
