"""Pages of the supervision app: home, org tree, institution register, agreements."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.generic import ListView

from portal.inbox import due_soon_days, inbox_for, remember_total
from portal.mixins import LookupView, ScopedMixin
from portal.worklist import home_panels, home_sections
from supervision.org.filters import officers_in_scope
from supervision.org.models import OrgUnit, User

HOME_INBOX_ROWS = 8  # the most urgent items of the inbox shown on the home page


@login_required
def home(request):
    """Each role's start page: what awaits the user, counted within their scope."""
    if not request.user.is_staff_member and request.user.has_role("supervisor"):
        return redirect("supervision:my-reports")  # a social supervisor's home is their own portal (issue 6)
    inbox = inbox_for(request.user)  # the same items as the inbox page, so its overdue/due-soon counts agree
    remember_total(request, inbox)
    context = {
        "inbox": inbox,
        "inbox_limit": HOME_INBOX_ROWS,
        "due_soon_days": due_soon_days(),
        "panels": home_panels(request.user),
        "sections": home_sections(request.user),
    }
    return render(request, "supervision/home.html", context)


class OrgUnitListView(ScopedMixin, ListView):
    model = OrgUnit
    permission_required = "supervision.view_orgunit"
    template_name = "supervision/orgunit_list.html"

    def get_queryset(self):
        return (
            OrgUnit.objects.visible_to(self.request.user)
            .select_related("parent")
            .annotate(staff_count=Count("role_assignments", distinct=True))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["my_scope"] = self.request.user.scope_units()
        return context


class OfficerLookupView(LookupView):
    """The officer picker's search: officers and chiefs holding their role in the user's scope, by name."""

    model = User
    permission_required = "supervision.view_orgunit"
    search_fields = ("full_name", "username")

    def scoped_queryset(self):
        return officers_in_scope(self.request).order_by("full_name", "username")

    def label(self, row) -> str:
        return row.full_name or str(row)
