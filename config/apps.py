"""Third-party apps under the portal's own names, so the admin speaks the users' language."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class LoginLockoutsConfig(AxesAppConfig):
    verbose_name = _("Login attempts and lockouts")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


# Model names the third-party apps translate with gettext but whose catalogues have no Chinese: listed here
# so `make messages` keeps them in the portal's catalogue.
THIRD_PARTY_LABELS = [
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("access failure"),
    gettext_noop("access failures"), gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("Task Result"), gettext_noop("Task Results"),
]  # fmt: skip
