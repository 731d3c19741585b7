"""Points where later apps plug into supervision pages without supervision importing them.

Dependencies point one way (credit → enforcement → supervision): a supervision page cannot link to an
enforcement view by itself, and an inspection finding cannot look up enforcement's violation list. The
enforcement app registers both here from its ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FollowUp:
    """A follow-up offered on a record's page: a label, a URL name taking the record's pk, a permission."""

    label: str
    url_name: str
    permission: str


# Offered on a confirmed lead's page (open a case, propose an agreement action).
LEAD_FOLLOW_UPS: list[FollowUp] = []
# Offered on an inspection finding without a follow-up yet.
FINDING_FOLLOW_UPS: list[FollowUp] = []

_violation_codes: list[Callable[[], list[tuple[str, str]]]] = []


@dataclass(frozen=True)
class InstitutionPanel:
    """A section of the institution page from a later app: ``context(user, institution)`` returns the
    template's context, or None to leave the section out (e.g. the credit rating, issue 7)."""

    template: str
    context: Callable


INSTITUTION_PANELS: list[InstitutionPanel] = []


def register_institution_panel(panel: InstitutionPanel) -> None:
    if panel.template not in {p.template for p in INSTITUTION_PANELS}:
        INSTITUTION_PANELS.append(panel)


def institution_panels(user, institution) -> list[dict]:
    """The registered sections for this page: ``{"template", "context"}`` each."""
    panels = []
    for panel in INSTITUTION_PANELS:
        context = panel.context(user, institution)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels


def register_follow_up(registry: list[FollowUp], follow_up: FollowUp) -> None:
    if follow_up.url_name not in {f.url_name for f in registry}:
        registry.append(follow_up)


def register_violation_codes(provider: Callable[[], list[tuple[str, str]]]) -> None:
    """``provider()`` returns the active violation codes as (code, label) pairs."""
    if provider not in _violation_codes:
        _violation_codes.append(provider)


def violation_code_choices() -> list[tuple[str, str]]:
    """(code, label) of every active violation code, in the order its app lists them (by article and name, not
    by code: a pick list reads by name); empty until an app registers its list."""
    choices: dict[str, str] = {}
    for provider in _violation_codes:
        for code, label in provider():
            choices.setdefault(code, label)
    return list(choices.items())
