"""What the foundation knows of the apps built on it, as each app declares it from its own `apps.py`.

The foundation names no other app: an app registers here, in its `AppConfig.ready()`, the records it
shares across facilities, the records that may be marked « entered in error » (and the permission that
marks them), that its records have a history page, and its entries in the navigation. The foundation's
pages read only this registry. An app higher in the layers may also contribute to a page of a lower app
through a named point that the lower app declares (`contribute` / `contributions`): the admissions
stay page shows the open alerts assessments contribute, without admissions importing assessments.

Where a registered record lives is said by the model itself: `facility_ids()` (the facilities it belongs
to) and, for a record several facilities share, `holding_facility_ids()` (every facility holding live
records of it or of its dependants); `unit.access.facilities_of` / `facilities_holding` read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # apps.py imports this module before the models are loaded
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class NavEntry:
    """A link of the main navigation: the URL name, its label, its place, and who sees it."""

    url_name: str
    label: str
    order: int
    # (user, the permissions the user holds somewhere) -> whether the link is shown.
    shown: Callable[[User, frozenset[str]], bool]


class Registry:
    """The declarations of the apps; one instance (`registry`) filled while the apps load."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._shared: set[str] = set()
        self._in_error: dict[str, str] = {}
        self._history_apps: set[str] = set()
        self._nav: dict[str, NavEntry] = {}
        self._points: dict[str, list[Callable]] = {}

    # ---------------------------------------------------------------- declarations

    def shared_records(self, *labels: str) -> None:
        """Models that belong to no facility (a directory, a code list): any administrator reads their history."""
        self._shared.update(_label(label) for label in labels)

    def entered_in_error(self, label: str, permission: str) -> None:
        """A model whose records may be marked « entered in error » by a user holding `permission` (in every
        facility that holds the record); administrators restore them."""
        label = _label(label)
        if self._in_error.get(label, permission) != permission:
            raise ValueError(f"{label} is already registered with the permission {self._in_error[label]}.")
        self._in_error[label] = permission

    def history_app(self, app_label: str) -> None:
        """The app's records that carry a history have a history page."""
        self._history_apps.add(app_label)

    def navigation(self, url_name: str, label: str, *, order: int,
                   shown: Callable[[User, frozenset[str]], bool]) -> None:
        self._nav[url_name] = NavEntry(url_name, label, order, shown)

    def contribute(self, point: str, contribution: Callable) -> None:
        """Add `contribution` to the point `point` that a lower app declared and calls."""
        found = self._points.setdefault(point, [])
        if contribution not in found:
            found.append(contribution)

    # ---------------------------------------------------------------- reads

    def is_shared(self, label: str) -> bool:
        return _label(label) in self._shared

    def error_permission(self, label: str) -> str | None:
        """The permission that marks a record of `label` in error; None when the model is not registered."""
        return self._in_error.get(_label(label))

    def in_error_labels(self) -> list[str]:
        return sorted(self._in_error)

    def has_history_page(self, app_label: str) -> bool:
        return app_label in self._history_apps

    def navigation_for(self, user: User, permissions: Iterable[str]) -> list[NavEntry]:
        held = frozenset(permissions)
        return [entry for entry in sorted(self._nav.values(), key=lambda e: (e.order, e.url_name))
                if entry.shown(user, held)]

    def contributions(self, point: str) -> tuple[Callable, ...]:
        return tuple(self._points.get(point, ()))

    # ---------------------------------------------------------------- tests

    def snapshot(self) -> dict:
        return {"shared": set(self._shared), "in_error": dict(self._in_error),
                "history_apps": set(self._history_apps), "nav": dict(self._nav),
                "points": {k: list(v) for k, v in self._points.items()}}

    def restore(self, state: dict) -> None:
        self._shared, self._in_error = set(state["shared"]), dict(state["in_error"])
        self._history_apps, self._nav = set(state["history_apps"]), dict(state["nav"])
        self._points = {k: list(v) for k, v in state["points"].items()}


def _label(label: str) -> str:
    if label.count(".") != 1:
        raise ValueError(f"A model label is app_label.model_name, not {label!r}.")
    return label.lower()


registry = Registry()
