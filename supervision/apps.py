from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="supervision-cache-table")
        # Every date field typed by people has sane bounds (issue 13).
        from portal import dates

        dates.install()
        # Register the domain permissions and the home panels, in the order the panels are shown.
        for module in (
            "supervision.permissions",
            "supervision.register.worklist",
            "supervision.reports.permissions",
            "supervision.leads.worklist",
            "supervision.reports.worklist",
        ):
            import_module(module)
        from portal.context_processors import NAVIGATION
        from supervision.register.services import AGREEMENT_REFRESH_HOOKS
        from supervision.reports.services import appointments_expire
        from supervision.screening import permissions as screening_permissions

        screening_permissions.ready()

        if appointments_expire not in AGREEMENT_REFRESH_HOOKS:
            AGREEMENT_REFRESH_HOOKS.append(appointments_expire)
        from supervision.notifications.services import notify_due_soon

        if notify_due_soon not in AGREEMENT_REFRESH_HOOKS:  # the daily "falls due soon" notices (issue 16)
            AGREEMENT_REFRESH_HOOKS.append(notify_due_soon)

        present = {url_name for _label, url_name, _perm in NAVIGATION}
        for entry in (
            (_("Leads"), "supervision:lead-list", "supervision.view_lead"),
            (_("Inspections"), "supervision:inspection-list", "supervision.view_inspection"),
            (_("Reports"), "supervision:report-list", "supervision.view_report"),
        ):
            if entry[1] not in present:
                NAVIGATION.append(entry)


def _create_cache_table(using="default", **kwargs):
    """The database cache's table (settings.CACHES), made by every ``migrate``; a no-op when it exists or
    when another cache backend is configured."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
