"""Points where higher apps (credit) hear about final outcomes without enforcement importing them.

Dependencies point one way (credit → enforcement → supervision). The services that finalise an outcome call
``notify_outcome`` inside their own transaction, after the outcome is saved: a hook that fails rolls the
outcome back with it, so a decision never stands without its credit event. Kinds:

- ``case_decided``: a case was decided (penalty or no penalty; the hook reads ``source.outcome``);
- ``case_transferred``: a case was transferred to another authority (``to_police`` in ``data``);
- ``case_revoked``: a decision was revoked (撤销): whatever followed from it is reversed;
- ``agreement_action_applied``: an approved agreement measure was applied;
- ``agreement_action_revoked``: an applied measure was revoked.
"""

from collections.abc import Callable

OUTCOME_HOOKS: list[Callable] = []


def register_outcome_hook(hook: Callable) -> None:
    """``hook(kind=..., source=..., by=..., data=...)``; registered once from an ``AppConfig.ready``."""
    if hook not in OUTCOME_HOOKS:
        OUTCOME_HOOKS.append(hook)


def notify_outcome(kind: str, source, by, data: dict | None = None) -> None:
    """Tell every registered hook about an outcome; runs in the caller's transaction."""
    for hook in OUTCOME_HOOKS:
        hook(kind=kind, source=source, by=by, data=data or {})
