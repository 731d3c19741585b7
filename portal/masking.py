"""Masking of personal data on public pages (domain §8): natural persons' names, ID numbers, phone numbers.

Every public page passes every free text it shows through ``mask_text`` (and person names through
``mask_name``). The rule for numbers is deliberately wider than the formats: any run of 11 or more digits
(an 18-digit resident ID with its check character, an old 15-digit ID, a mobile number, a bank card) keeps
only its first 3 and last 2 digits, so no 11-digit run can survive; mobile numbers written with spaces or
dashes are caught as well.
"""

import re

# A run of 11+ digits, with an ID's trailing check character when present.
_LONG_DIGITS = re.compile(r"\d{11,}[Xx]?")
# Mobile numbers with separators: 138 1234 5678, 138-1234-5678, +86 138…
_SPACED_MOBILE = re.compile(r"(?<!\d)1\d{2}[\s\-]\d{4}[\s\-]\d{4}(?!\d)")
_SPACED_ID = re.compile(r"(?<!\d)\d{6}[\s\-]\d{8}[\s\-]\d{3}[\dXx](?!\d)")


def _mask_run(match: re.Match) -> str:
    run = match.group(0)
    digits = len(run)
    return run[:3] + "*" * (digits - 5) + run[-2:]


def _mask_separated(match: re.Match) -> str:
    run = match.group(0)
    return run[:3] + re.sub(r"\d", "*", run[3:-2]) + run[-2:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***: the family name's first character stays."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_text(text: str, names=()) -> str:
    """``text`` with ID numbers, phone numbers and the given persons' names masked."""
    if not text:
        return ""
    text = str(text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = _SPACED_ID.sub(_mask_separated, text)
    text = _SPACED_MOBILE.sub(_mask_separated, text)
    return _LONG_DIGITS.sub(_mask_run, text)


# What tests and page checks look for: what must never appear on a public page.
LEAK_PATTERNS = (re.compile(r"\d{17}[\dXx]"), re.compile(r"1\d{10}"))


def leaks(text: str) -> list[str]:
    """The ID or phone numbers still present in ``text`` (empty when it is clean)."""
    found = []
    for pattern in LEAK_PATTERNS:
        found.extend(pattern.findall(text or ""))
    return found
