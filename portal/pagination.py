"""API pagination (contract: ?page=, ?page_size= up to 200). Kept apart to avoid an import cycle with DRF."""

from portal.api_params import StrictPageNumberPagination


class StandardPagination(StrictPageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
