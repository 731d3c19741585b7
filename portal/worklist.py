"""The home page's work queue: panels contributed by each app, all counted within the user's scope."""

from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    count: int
    url: str = ""
    tone: str = "secondary"  # bootstrap colour: danger for overdue, warning for due soon
    items: list = field(default_factory=list)  # (label, url) pairs, a short preview
    # The roles the panel is for (role-specific home pages, issue 16); empty: every role that may see it.
    roles: frozenset = frozenset()

    def is_for(self, user) -> bool:
        return not self.roles or user.has_role(*self.roles)


def preview_count(preview: list, limit: int, queryset) -> int:
    """A panel's count once its preview (the first ``limit`` rows of ``queryset``) is read: a preview shorter than
    the limit is the whole selection, so the count costs no second query (the director's few major cases: one
    query, not two); a full one asks ``queryset.count()``."""
    return len(preview) if len(preview) < limit else queryset.count()


_PROVIDERS = []


def register_panel(provider):
    _PROVIDERS.append(provider)
    return provider


_SECTIONS = []


def register_section(provider):
    """A larger block of the home page from a later app: ``provider(user)`` returns a dict with ``template``
    (and the template's context) or None to leave it out, e.g. the director's statistics (issue 17)."""
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)
    return provider


def home_sections(user) -> list[dict]:
    return [section for provider in _SECTIONS if (section := provider(user)) is not None]


def home_panels(user) -> list[Panel]:
    """The panels of the user's home page: each provider's, kept where the panel is for one of the user's roles."""
    panels = []
    for provider in _PROVIDERS:
        panels.extend(panel for panel in provider(user) if panel.is_for(user))
    return panels
