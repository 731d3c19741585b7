"""The admin site loads ``supervision.admin``: each feature registers its own model admins."""

from supervision.inspections import admin as inspections_admin  # noqa: F401
from supervision.leads import admin as leads_admin  # noqa: F401
from supervision.org import admin as org_admin  # noqa: F401
from supervision.register import admin as register_admin  # noqa: F401
from supervision.reports import admin as reports_admin  # noqa: F401
