"""API plumbing shared by every app: JSON for every error under /api/v1/ and the schema's error responses
(query parameters: portal/api_params.py; schema and docs views: portal/api_views.py). Imports no app."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/v1/"
REASONS = {
    400: gettext_lazy("Bad request."),
    401: gettext_lazy("Authentication credentials were not provided."),
    403: gettext_lazy("You do not have permission to perform this action."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
    413: gettext_lazy("The request is too large."),
    500: gettext_lazy("Server error, please try again later."),
}


class JsonErrorsMiddleware:
    """Under /api/v1/, an error that did not come from DRF (a routing 404, Django's 405, a 400 for a bad
    request body, a 500 page) is answered as JSON ``{"detail": "..."}`` too; docs pages are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not request.path_info.startswith(API_PREFIX + "docs")
            and "json" not in response.get("Content-Type", "")
        ):
            status = response.status_code
            detail = REASONS.get(status) or response.reason_phrase
            replaced = JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})
            for header in ("Allow", "WWW-Authenticate", "X-Request-ID", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response


def normalize_error(response):
    """Every API error body is an object: a bare list of messages becomes ``{"detail": [...]}``."""
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


# --- Schema ------------------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": 'An error: `{"detail": "..."}`, or `{"<field>": ["message", ...]}` naming each bad field.',
    "properties": {"detail": {}},
    "additionalProperties": {},
}
ERROR_RESPONSES = {
    "400": "Bad input: the body names each bad field, or gives `detail`.",
    "401": "Not authenticated.",
    "403": "Visible, but the caller's role may not do this.",
    "404": "Not visible to the caller, or absent (the same body).",
    "405": "Method not allowed here.",
    "409": "Not allowed in the record's current state, or a stale write.",
    "413": "The upload is larger than its kind's limit.",
}
PUBLIC_OPERATIONS = {("/api/v1/auth/token/", "post")}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error answers it can give.
    An operation's own description of an error (e.g. the import's row report) is kept as one option."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                if code == "401" and (path, method) in PUBLIC_OPERATIONS:
                    continue
                if code == "409" and method == "get":
                    continue
                if code == "413" and "multipart/form-data" not in operation.get("requestBody", {}).get("content", {}):
                    continue
                existing = responses.get(code)
                if existing is None:
                    responses[code] = {"description": description, "content": {"application/json": {"schema": ref}}}
                    continue
                content = existing.setdefault("content", {})
                own = content.get("application/json", {}).get("schema")
                schema = {"anyOf": [own, ref]} if own and own != ref else ref
                content.clear()
                content["application/json"] = {"schema": schema}
    return result
