"""The input gate: every request passes here after URL resolution and before any view (or the CSRF check)
reads its body.

1. Uploads: the body's declared length is compared with the cap of the view's kind of upload
   (``portal.uploads``); too large ⇒ 413 before a byte is parsed or kept.
2. Text: every query parameter, form field and JSON string is checked by ``portal.text``; a forbidden
   character ⇒ 400 naming the field (``{"<field>": ["…"]}`` under the API, a short page elsewhere).

It sits before ``CsrfViewMiddleware`` in ``MIDDLEWARE``: that middleware reads ``request.POST``, which would
parse a multipart body before the size check.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal import text, uploads

API_PREFIX = "/api/v1/"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def upload_kind(view_func, request) -> str | None:
    """The kind of upload the resolved view accepts: ``upload_kind`` on its class or, for a DRF viewset,
    on the routed action (``@action(..., upload_kind=...)``)."""
    initkwargs = getattr(view_func, "initkwargs", None) or {}
    if initkwargs.get("upload_kind"):
        return initkwargs["upload_kind"]
    cls = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    actions = getattr(view_func, "actions", None)
    if cls is not None and actions:
        handler = getattr(cls, actions.get(request.method.lower(), ""), None)
        kind = (getattr(handler, "kwargs", None) or {}).get("upload_kind")
        if kind:
            return kind
    return getattr(cls, "upload_kind", None) or getattr(view_func, "upload_kind", None)


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _refuse(request, status: int, field: str | None, message: str):
    if is_api(request):
        body = {"detail": message} if field is None else {field: [message]}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    title = _("The request was refused")
    detail = message if field is None else f"{_('A field of the form')}: {message}"
    page = (
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<h1>{escape(title)}</h1><p>{escape(detail)}</p></html>"
    )
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


def _bad_form_field(data) -> str | None:
    for key, values in data.lists():
        if text.has_forbidden(key):
            return text.safe_name(key)
        for value in values:
            if isinstance(value, str) and text.has_forbidden(value):
                return text.safe_name(key)
    return None


class InputGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in BODY_METHODS:
            problem = uploads.size_problem(request, upload_kind(view_func, request))
            if problem is not None:
                return _refuse(request, problem.status, None, problem.message)
        field = _bad_form_field(request.GET)
        if field is None and request.method in BODY_METHODS:
            content_type = request.content_type or ""
            if content_type == "application/json" or content_type.endswith("+json"):
                body = request.body
                try:
                    data = json.loads(body) if body.strip() else {}
                except RecursionError:
                    return _refuse(request, 400, None, _("The JSON body is nested too deeply."))
                except ValueError:
                    data = {}  # the view's parser reports malformed JSON in its own words
                if is_api(request) and not isinstance(data, dict):
                    # Every endpoint takes an object; `null` or `[…]` would reach code expecting one.
                    return _refuse(request, 400, None, _("Send a JSON object."))
                field = text.first_bad(data)
            elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                field = _bad_form_field(request.POST)
        if field is not None:
            return _refuse(request, 400, field, str(text.MESSAGE))
        return None
