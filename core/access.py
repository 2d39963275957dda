"""The one permission layer: "may this user do this, to this object (or to this kind of object)?".

Every view, form, template, API endpoint, export, dashboard, admin page and service asks here, never
anywhere else: `may(user, action, obj_or_model)` for one decision, `restrict(queryset, user, action)`
(NetBox's `restrict(user, action)`) for the rows of a list. No other module compares roles; a test
(tests/core/test_no_role_checks.py) reads the code and fails on any role comparison outside this module
and `org.models`, where the role field is defined.

Which rows: each scoped model declares an `AccessRule`, the ORM paths from the model to the departments
that may view it and that may edit it, plus optionally the rows that every signed-in user may view
(city-wide plan items such as count goals).

Who: the roles (see `org.models.User.Role`):
- planner (市经信委 planning staff) and superusers: view and edit everything, review figures, manage
  department accounts and their tokens, export change history (superusers alone manage planners' and
  superusers' accounts and what widens an account's rights);
- department editor: view and edit rows reachable through the rule's paths from its department;
- department viewer: view those rows only;
- API client: read-only; its department's rows, or city-wide when it has no department.
Being inactive (or signed out) beats every role. Opening the admin site needs the staff flag besides.

What: the actions of `ACTIONS`, each a role test and, for a row, the rows it reaches (`view` or `edit`
scope, or its own). Asked of a model (or of nothing) an action answers for the role: "may this user
review figures at all?"; asked of an object it also needs the row in its scope.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
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
    # Set by `via`: the forward foreign-key path to the model whose rule this one extends, and that rule. Rows are
    # then scoped by that key (`cluster_id IN (the clusters the department reaches)`) rather than by following
    # every path from every row: a department's page of one cluster's enterprises otherwise read all of the
    # department's enterprises (74,000 of a province) to keep that cluster's thousand.
    parent: tuple[str, AccessRule] | None = None

    def via(self, prefix: str, public: Q | None = None) -> AccessRule:
        """The department paths of this rule seen from a child model that points here through `prefix` (a
        forward foreign key, or a chain of them)."""
        return AccessRule(
            view=tuple(f"{prefix}__{p}" for p in self.view),
            edit=tuple(f"{prefix}__{p}" for p in self.edit),
            public=public,
            parent=(prefix, self),
        )


# --- roles: the only place they are compared ---------------------------------------------------------

def _role(user: User, name: str) -> bool:
    return getattr(user, "role", None) == name


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def plans(user: User | None) -> bool:
    """A planner or superuser: city-wide editing, review, users and tokens."""
    return _signed_in(user) and (user.is_superuser or _role(user, "planner"))


def writes(user: User | None) -> bool:
    """A role that changes data at all: planners, superusers and department editors."""
    return plans(user) or (_signed_in(user) and _role(user, "editor"))


def sees_city(user: User | None) -> bool:
    """Reads every row of the city: planners, superusers and API clients without a department."""
    return plans(user) or (_signed_in(user) and _role(user, "api_client") and user.department_id is None)


def _staff(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff


# --- rows --------------------------------------------------------------------------------------------

def _department_q(paths: tuple[str, ...], department_id: int | None) -> Q:
    if department_id is None or not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{path: department_id}) for path in paths))


def _scoped(queryset: models.QuerySet, condition: Q) -> models.QuerySet:
    # A sub-select keeps the outer query free of the joins, so many-to-many paths cannot
    # duplicate rows and callers can still annotate and order freely.
    inner = queryset.model._base_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


def _reached(queryset: models.QuerySet, rule: AccessRule, which: str, department_id: int | None,
             public: Q | None = None) -> models.QuerySet:
    """The rows of `queryset` that `rule`'s `which` ("view" or "edit") paths lead from to the department, or that
    `public` names. A rule made by `via` asks its parent's rule of the parent model and keeps the rows whose key
    is among the parents reached (the parent's own public rows do not pass to its children)."""
    if rule.parent is None:
        condition = _department_q(getattr(rule, which), department_id)
        return _scoped(queryset, condition | public if public is not None else condition)
    prefix, parent_rule = rule.parent
    parents = _reached(_model_at(queryset.model, prefix)._base_manager.all(), parent_rule, which, department_id)
    condition = Q(**{f"{prefix}__in": parents.values("pk")})
    if public is not None:  # whatever `public` joins, the outer query stays free of duplicates
        return _scoped(queryset, condition | public)
    return queryset.filter(condition)  # forward foreign keys only: no row is repeated


def _model_at(model: type[models.Model], path: str) -> type[models.Model]:
    """The model a chain of foreign keys (`commentary__cluster`) leads to from `model`."""
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _view_rows(queryset: models.QuerySet, user: User) -> models.QuerySet:
    if sees_city(user):
        return queryset
    rule: AccessRule = queryset.model.access
    return _reached(queryset, rule, "view", user.department_id, rule.public)


def _edit_rows(queryset: models.QuerySet, user: User) -> models.QuerySet:
    if plans(user):
        return queryset
    return _reached(queryset, queryset.model.access, "edit", user.department_id)


def _all_rows(queryset: models.QuerySet, user: User) -> models.QuerySet:
    return queryset


def _own_department(queryset: models.QuerySet, user: User) -> models.QuerySet:
    # Only asked of departments: the user's own, or any for those who read the whole city.
    return queryset if sees_city(user) else queryset.filter(pk=user.department_id)


def _is_own_department(department: models.Model, user: User) -> bool:
    return sees_city(user) or department.pk == user.department_id


def _is_superuser(user: User | None) -> bool:
    return _signed_in(user) and user.is_superuser


# Accounts: superusers manage every account; a planner manages the department accounts (editors, viewers,
# API clients that are not superusers): name, e-mail, a department role, department, active flag,
# password, API token. Planners' and superusers' accounts, staff and superuser status, groups and model
# permissions are superusers' ("manage-rights"), so nothing a planner sets gives anyone more than a
# department account's rights (docs/security.md, "Managing accounts").
def _manageable_accounts(queryset: models.QuerySet, user: User) -> models.QuerySet:
    if user.is_superuser:
        return queryset
    return queryset.filter(is_superuser=False).exclude(role="planner")


def _manages_account(account: models.Model, user: User) -> bool:
    return user.is_superuser or not (account.is_superuser or _role(account, "planner"))


@dataclass(frozen=True)
class Action:
    """Who may do it (`role`), and to which rows of a queryset (`rows`, called only when the role may).

    `row`, when given, decides for one object without a query (pages ask it once per row of a table);
    `needs_a_row`: asked of a model, the answer is yes only if some row is in reach ("manages a fund").
    """

    role: Callable[[User | None], bool]
    rows: Callable[[models.QuerySet, User], models.QuerySet]
    row: Callable[[models.Model, User], bool] | None = None
    needs_a_row: bool = False


ACTIONS: dict[str, Action] = {
    # Read a row (lists, pages, API, exports, dashboards).
    "view": Action(_signed_in, _view_rows),
    # Read every row of the city without a department's limits (the city overview as home page, no
    # "what you may see" caveat under totals).
    "view-all": Action(sees_city, _all_rows),
    # Change a row's values; asked of a model: may the role enter data at all (entry screen, import).
    "edit": Action(writes, _edit_rows),
    # Hand a figure in for review.
    "submit": Action(writes, _edit_rows),
    # Create rows of the plan (clusters, goals, parks, targets …) in the admin.
    "add": Action(plans, _edit_rows),
    # Delete a row in the admin.
    "delete": Action(plans, _edit_rows),
    # Settle a figure whose reported year to date (累计) disagrees with the sum of its quarters: its editor
    # or a planner, also on an approved figure (a correction, recorded in its history).
    "resolve-ytd": Action(writes, _edit_rows),
    # Approve or return a submitted figure.
    "review": Action(plans, _edit_rows),
    # Reopen an approved (locked) figure.
    "reopen": Action(plans, _edit_rows),
    # Record and correct payments from a fund: its managing department, or a planner.
    "manage-funds": Action(writes, _edit_rows, needs_a_row=True),
    # Open a department's dashboard.
    "see-department": Action(_signed_in, _own_department, row=_is_own_department),
    # Export an object's change history (it names every person who changed it).
    "export-history": Action(plans, _view_rows),
    # Users and their API tokens (asked of an account: planners manage department accounts only), the
    # security audit.
    "manage-users": Action(plans, _manageable_accounts, row=_manages_account),
    # What widens an account's rights beyond a department's: staff and superuser status, groups, model
    # permissions, the planner role.
    "manage-rights": Action(_is_superuser, _all_rows),
    # The planners' settings: assessment weights, the roll-up tables in the admin.
    "manage-plan": Action(plans, _all_rows),
    # Named what-if scenarios (情景) of the goals page: save, change, archive. Reading them is `view`: no
    # department reaches one (scenarios.models), so planners, superusers and city-wide readers only.
    "manage-scenarios": Action(plans, _edit_rows),
    # The work-chat channels (企业微信 / 钉钉 robots, group mailboxes) of departments and planners: their
    # addresses and secrets, the test message, the status page.
    "manage-channels": Action(plans, _all_rows),
    # Open the admin site at all (what each admin page shows is then asked of its model).
    "administer": Action(_staff, _all_rows),
}


def _action(name: str) -> Action:
    try:
        return ACTIONS[name]
    except KeyError:
        raise ValueError(f"unknown action {name!r}; known: {', '.join(ACTIONS)}") from None


def restrict(queryset: models.QuerySet, user: User | None, action: str) -> models.QuerySet:
    """The rows of `queryset` on which `user` may do `action`."""
    rule = _action(action)
    if not rule.role(user):
        return queryset.none()
    return rule.rows(queryset, user)


def may(user: User | None, action: str, target: models.Model | type[models.Model] | None = None) -> bool:
    """Whether `user` may do `action` to `target`: an object (its row must be in reach), a model or None
    (the role may do it at all; for `needs_a_row` actions, to at least one row of the model)."""
    rule = _action(action)
    if not rule.role(user):
        return False
    if target is None:
        return True
    if isinstance(target, type):
        return not rule.needs_a_row or rule.rows(target._default_manager.all(), user).exists()
    if rule.row is not None:
        return rule.row(target, user)
    row = type(target)._default_manager.filter(pk=target.pk)
    reached = rule.rows(row, user)
    # The rows left unfiltered (a planner, a city-wide reader): no query needed.
    return reached is row or reached.exists()


def visible_to(queryset: models.QuerySet, user: User | None) -> models.QuerySet:
    """The rows of `queryset` that `user` may view."""
    return restrict(queryset, user, "view")


def editable_by(queryset: models.QuerySet, user: User | None) -> models.QuerySet:
    """The rows of `queryset` that `user` may change."""
    return restrict(queryset, user, "edit")


def can_view(user: User | None, obj: models.Model) -> bool:
    return may(user, "view", obj)


def can_edit(user: User | None, obj: models.Model) -> bool:
    return may(user, "edit", obj)


def assignable_roles(user: User) -> list[tuple[str, str]]:
    """The roles `user` may give an account: every role with `manage-rights`, the department roles otherwise."""
    User = get_user_model()  # noqa: N806 - the kernel names the user model without importing org

    if may(user, "manage-rights"):
        return list(User.Role.choices)
    return [(value, label) for value, label in User.Role.choices if value != User.Role.PLANNER]


def planners(users: models.QuerySet) -> models.QuerySet:
    """The active planners among `users` (who receive the overdue digest)."""
    return users.filter(role="planner", is_active=True)


def department_editors(users: models.QuerySet) -> models.QuerySet:
    """The active department editors among `users` (who enter figures and are reminded; planners are not).
    Which rows each may edit is then asked per user with `may` / `restrict`."""
    return users.filter(role="editor", is_active=True)


def scope_key(user: User | None) -> str:
    """What decides which rows a user sees (for cache validators): who, the role and the department."""
    if not _signed_in(user):
        return "anonymous"
    return f"{user.pk}:{user.role}:{user.department_id}:{int(sees_city(user))}"


def city_wide_reader() -> User:
    """An unsaved stand-in that reads every row: for background work done for nobody in particular
    (the reminders read every cluster's completeness)."""
    User = get_user_model()  # noqa: N806 - the kernel names the user model without importing org

    return User(role=User.Role.PLANNER, is_active=True)


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the permission layer as chainable methods."""

    def visible_to(self, user: User) -> ScopedQuerySet:
        return visible_to(self, user)

    def editable_by(self, user: User) -> ScopedQuerySet:
        return editable_by(self, user)

    def restrict(self, user: User, action: str) -> ScopedQuerySet:
        return restrict(self, user, action)
