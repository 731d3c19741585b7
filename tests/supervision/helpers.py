"""Small helpers shared by the supervision tests (no fixtures here: those live in tests/conftest.py)."""

import re

from supervision.org.models import AuditEvent

LOGIN_URL = "/accounts/login/"

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def institution_data(jurisdiction, **overrides) -> dict:
    """Valid register data for a new hospital in ``jurisdiction`` (form POST and API JSON alike)."""
    data = {
        "code": "H33019900001",
        "name": "江川市新建人民医院",
        "kind": "hospital",
        "level": "2",
        "credit_code": "12330199MB0000001X",
        "legal_representative": "王五",
        "address": "江川市东湖区解放路8号",
        "phone": "0571-88880000",
        "jurisdiction": jurisdiction.pk if jurisdiction is not None else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    assert url.split("?")[0] in response["Location"].replace("%2F", "/")


def page_body(response, url: str) -> str:
    """The page with what legitimately differs between two 404s removed (the URL, the CSRF token)."""
    return _CSRF.sub("", response.content.decode()).replace(url, "<url>")


def audit_rows():
    return AuditEvent.objects.order_by("pk")
