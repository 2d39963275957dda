"""Who may manage which account: the one rule the user admin and the API token page both ask.

Superusers manage every account. A planner (市经信委) manages the department accounts: editors, viewers and
API clients that are neither superusers nor planners — their name, e-mail, role (one of those three),
department, active flag, password and API token. Planners and superusers, the planner itself included, are
managed by superusers only, and so are staff status, superuser status, groups and model permissions (which
reach the admin's other models). So nothing a planner can set gives anyone more than a department
account's rights, and a planner cannot take over another planner's or a superuser's account (a password, a
token) or make one. docs/security.md, "Managing accounts".
"""
from __future__ import annotations

from .models import User

# Fields of an account only a superuser sets: they grant rights beyond a department's (the admin, Django's
# model permissions) or record what the system did.
SUPERUSER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined")


def manages_accounts(actor: User) -> bool:
    """Superusers and planners manage accounts (each within `may_manage`)."""
    return actor.is_active and actor.edits_everything


def may_manage(actor: User, account: User) -> bool:
    """May `actor` change `account` (its fields, password, token) or delete it?"""
    if not manages_accounts(actor):
        return False
    return actor.is_superuser or not (account.is_superuser or account.is_planner)


def assignable_roles(actor: User) -> list[tuple[str, str]]:
    """The roles `actor` may give an account: every role for a superuser, the department roles for a planner."""
    if actor.is_superuser:
        return list(User.Role.choices)
    return [(value, label) for value, label in User.Role.choices if value != User.Role.PLANNER]
