"""Request id, default language and Content-Security-Policy middleware."""

import re

from django.conf import settings
from django.utils import translation

from portal import audit

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID) so audit rows can be traced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        token = audit.set_request_id(incoming if _REQUEST_ID.match(incoming) else None)
        try:
            request.request_id = audit.current_request_id()
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            audit.reset_request_id(token)


class DefaultLanguageMiddleware:
    """Chinese unless the user picked another language (cookie set by Django's set_language view).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a bureau PC with an English
    browser would show English; the portal's default is zh-hans for everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP: every asset is served by the portal itself, no inline scripts."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    # Swagger UI's page bootstraps itself with an inline script.
    DOCS_POLICY = (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith("/api/v1/docs") or request.path.startswith("/admin/")
            response["Content-Security-Policy"] = self.DOCS_POLICY if relaxed else self.POLICY
        return response
