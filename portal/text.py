"""One gate for text input: lone surrogates, NUL and other control characters, and the invisible bidi and
zero-width characters are refused in every text value the portal accepts.

Lone surrogates cannot be stored (the database driver raises on encoding them), control characters break
XML exports and PDFs, and bidi overrides and zero-width characters make a title read differently from what
it holds (``"\\u202eevil\\u200b"``). The check runs once per request in ``portal.gate.InputGateMiddleware``
on every query parameter, form field and JSON string, so no form or serializer needs its own copy;
``validate_text`` is the same rule for text read from files and commands.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL; lone (or any) UTF-16 surrogates; the bidi
# embeddings, overrides and isolates; zero-width space/joiners, word joiner, invisible operators; BOM.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

MESSAGE = _("Contains characters that are not allowed (control, invisible or direction-changing characters).")


def has_forbidden(value: str) -> bool:
    return FORBIDDEN.search(value) is not None


def validate_text(value) -> None:
    """Django/DRF validator: raises ValidationError when ``value`` holds a forbidden character."""
    if isinstance(value, str) and FORBIDDEN.search(value):
        raise ValidationError(MESSAGE, code="forbidden_characters")


def safe_name(name) -> str:
    """A key or parameter name fit to be echoed in an error body (forbidden characters escaped)."""
    name = str(name)
    return FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", name)[:100]


def first_bad(value, path: str = "") -> str | None:
    """The dotted path of the first string in a decoded JSON value that holds a forbidden character,
    or None. A bad key is reported under its (escaped) name."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if FORBIDDEN.search(item):
                return where or "non_field_errors"
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                key = str(key)
                name = f"{where}.{safe_name(key)}" if where else safe_name(key)
                if FORBIDDEN.search(key):
                    return name
                stack.append((name, child))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                stack.append((f"{where}[{index}]" if where else f"[{index}]", item[index]))
    return None
