"""Transition tables: which step a stateful record allows now, and to whom (house style rule 9).

Every stateful record declares its steps once, as data, in a ``TransitionTable`` beside its model (the case
procedure in ``enforcement/cases/procedure.py``, the others in ``<feature>/transitions.py``). A step names
the states it may be taken in, the state it leads to, the permission it needs (answered by the permission
backend: role in a unit, or a grant on the object), and an optional guard for a stage rule that the state
and the permission cannot express (who approves at which stage, nobody approves their own proposal).

Buttons (``table.available``), the API's available actions and the services (``table.check``) ask the same
table, so a button is shown exactly when the service accepts the step. Input (a missing reason, a date) is
still the service's to validate.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import InvalidState

Guard = Callable[[object, object], bool]


@dataclass(frozen=True)
class Transition:
    """One step of a record: from ``sources`` to ``target`` for holders of ``perm`` (and the guard)."""

    name: str
    label: str
    sources: frozenset
    target: str | None  # None: the service decides (or the step keeps the state)
    roles: frozenset = frozenset()  # who the permission rules give ``perm`` to (shown in help, used by guards)
    comment_required: bool = False
    changes_state: bool = True
    help: str = ""
    style: str = "primary"
    perm: str = ""
    guard: Guard | None = None  # allowed(obj, user) -> bool: a stage rule beyond state and permission
    refusal: object = ""  # why the guard refuses (a 403): a text, or refusal(obj, user) -> text
    internal: bool = False  # taken inside another service (which checks its own permission): no button
    batchable: bool = False  # may be taken on several records at once (portal.bulk): needs no per-record input

    @property
    def permission(self) -> str:
        return self.perm

    def allowed(self, obj, user) -> bool:
        """The guard's answer (True when there is none)."""
        return self.guard is None or bool(self.guard(obj, user))

    def refused(self, obj, user) -> Exception:
        """The error ``check`` raises when the guard refuses."""
        reason = self.refusal(obj, user) if callable(self.refusal) else self.refusal
        return PermissionDenied(str(reason) if reason else _("Your role may not do this."))


def transition(name, label, sources, target, *, perm, roles=(), **kwargs) -> Transition:
    """A ``Transition`` from plain iterables (roles may be ``Role`` members)."""
    return Transition(name, label, frozenset(sources), target, frozenset(str(r) for r in roles), perm=perm, **kwargs)


WRONG_STATE = gettext_lazy("“%(action)s” is not allowed while the %(record)s is “%(state)s”.")
WRONG_ROLE = gettext_lazy("Your role may not do this.")


class TransitionTable:
    """The steps of one kind of record, in the order their buttons are shown.

    ``state`` is the record's state field (``"state"``, ``"status"``) or a function of the record for a
    state that is derived (a draw is published once it has a publication date); ``state_labels`` then names
    the derived states for messages. ``wrong_state`` / ``wrong_role`` are the messages of ``check``.
    """

    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        state: str | Callable = "state",
        state_labels: dict | None = None,
        wrong_state=WRONG_STATE,
        wrong_role=WRONG_ROLE,
    ):
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"transition {t.name!r} is declared twice")
            self.transitions[t.name] = t
        self.state = state
        self.state_labels = state_labels or {}
        self.wrong_state = wrong_state
        self.wrong_role = wrong_role

    def __iter__(self):
        return iter(self.transitions.values())

    def __contains__(self, name) -> bool:
        return name in self.transitions

    def names(self) -> list[str]:
        return list(self.transitions)

    def batchable(self) -> list[Transition]:
        """The steps that may be taken on several records at once (``portal.bulk``)."""
        return [t for t in self.transitions.values() if t.batchable]

    def get(self, name: str) -> Transition | None:
        return self.transitions.get(name)

    def state_of(self, obj) -> str:
        return self.state(obj) if callable(self.state) else getattr(obj, self.state)

    def state_label(self, obj) -> str:
        if callable(self.state):
            value = self.state(obj)
            return str(self.state_labels.get(value, value))
        display = getattr(obj, f"get_{self.state}_display", None)
        return str(display()) if display else str(getattr(obj, self.state))

    def allows(self, obj, name: str, user, *, has_perm=None) -> bool:
        """Whether ``user`` may take step ``name`` on ``obj`` now (state, permission, guard)."""
        t = self.transitions[name]
        has_perm = has_perm or user.has_perm
        return (
            not t.internal and self.state_of(obj) in t.sources and has_perm(t.permission, obj) and t.allowed(obj, user)
        )

    def available(self, obj, user, has_perm=None) -> list[Transition]:
        """The steps ``user`` may take on ``obj`` now: the buttons of its page and the API's actions.

        ``has_perm(perm, obj)`` defaults to ``user.has_perm``; a list passes a checker that read the page's
        grants at once (``portal.permissions.object_perm_checker``) so that no row costs a query.
        """
        has_perm = has_perm or user.has_perm
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions.values()
            if not t.internal and state in t.sources and has_perm(t.permission, obj) and t.allowed(obj, user)
        ]

    def flags(self, obj, user, has_perm=None) -> dict[str, bool]:
        """``{step name: available?}`` for templates that ask by name."""
        names = {t.name for t in self.available(obj, user, has_perm)}
        return {name: name in names for name in self.transitions}

    def check_state(self, obj, name: str) -> Transition:
        """The state half of ``check`` alone (InvalidState, 409), for a step whose permission another app
        checks on another record (a lead's conversion into a case)."""
        t = self.transitions[name]
        if self.state_of(obj) not in t.sources:
            state = self.state_label(obj)
            raise InvalidState(
                str(self.wrong_state)
                % {"action": t.label, "state": state, "status": state, "record": obj._meta.verbose_name}
            )
        return t

    def check(self, obj, name: str, user) -> Transition:
        """The service's guard, in the contract's order: the permission on this record (PermissionDenied,
        403), the state (InvalidState, 409), then the step's guard (its own error). Returns the step."""
        t = self.transitions[name]
        if not user.has_perm(t.permission, obj):
            raise PermissionDenied(str(self.wrong_role))
        self.check_state(obj, name)
        if not t.allowed(obj, user):
            raise t.refused(obj, user)
        return t
