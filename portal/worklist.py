"""The home page's work queue: panels contributed by each app, all counted within the user's scope."""

from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    count: int
    url: str = ""
    tone: str = "secondary"  # bootstrap colour: danger for overdue, warning for due soon
    items: list = field(default_factory=list)  # (label, url) pairs, a short preview


_PROVIDERS = []


def register_panel(provider):
    _PROVIDERS.append(provider)
    return provider


def home_panels(user) -> list[Panel]:
    panels = []
    for provider in _PROVIDERS:
        panels.extend(provider(user))
    return panels
