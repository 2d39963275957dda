"""The one permission layer: "may this user view / edit this object?".

Every view, form, API endpoint, export and dashboard asks here, never anywhere else.
Each scoped model declares an `AccessRule`: the ORM paths from the model to the
departments that may view it and that may edit it, plus optionally the rows that every
signed-in user may view (city-wide plan items such as count goals).

Roles (see `org.models.User.Role`):
- planner (市经信委 planning staff) and superusers: view and edit everything;
- department editor: view and edit rows reachable through the rule's paths from its department;
- department viewer: view those rows only;
- API client: read-only; its department's rows, or city-wide when it has no department.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from org.models import User


@dataclass(frozen=True)
class AccessRule:
    """Paths from a model to `org.Department` that grant viewing and editing."""

    view: tuple[str, ...]
    edit: tuple[str, ...]
    public: Q | None = None

    def via(self, prefix: str, public: Q | None = None) -> AccessRule:
        """The department paths of this rule seen from a child model that points here through `prefix`."""
        return AccessRule(
            view=tuple(f"{prefix}__{p}" for p in self.view),
            edit=tuple(f"{prefix}__{p}" for p in self.edit),
            public=public,
        )


def _department_q(paths: tuple[str, ...], department_id: int | None) -> Q:
    if department_id is None or not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{path: department_id}) for path in paths))


def _scoped(queryset: models.QuerySet, condition: Q) -> models.QuerySet:
    # A sub-select keeps the outer query free of the joins, so many-to-many paths cannot
    # duplicate rows and callers can still annotate and order freely.
    inner = queryset.model._base_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


def visible_to(queryset: models.QuerySet, user: User) -> models.QuerySet:
    """The rows of `queryset` that `user` may view."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if user.sees_everything:
        return queryset
    rule: AccessRule = queryset.model.access
    condition = _department_q(rule.view, user.department_id)
    if rule.public is not None:
        condition |= rule.public
    return _scoped(queryset, condition)


def editable_by(queryset: models.QuerySet, user: User) -> models.QuerySet:
    """The rows of `queryset` that `user` may change."""
    if not (user.is_authenticated and user.is_active and user.can_write):
        return queryset.none()
    if user.edits_everything:
        return queryset
    return _scoped(queryset, _department_q(queryset.model.access.edit, user.department_id))


def can_view(user: User, obj: models.Model) -> bool:
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def can_edit(user: User, obj: models.Model) -> bool:
    return editable_by(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the permission layer as chainable methods."""

    def visible_to(self, user: User) -> ScopedQuerySet:
        return visible_to(self, user)

    def editable_by(self, user: User) -> ScopedQuerySet:
        return editable_by(self, user)
