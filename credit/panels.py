"""The credit section of the institution page (registered in supervision.extensions)."""

from credit.models import CreditRating


def rating_panel(user, institution) -> dict | None:
    """The institution's ratings, newest year first (one query); None for users who may not read ratings."""
    if not user.has_perm("credit.view_creditrating", institution):
        return None
    ratings = list(CreditRating.objects.filter(institution=institution).order_by("-year")[:5])
    return {"ratings": ratings, "institution": institution}
