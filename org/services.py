"""Writes to users and their API tokens."""
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import rights
from .models import Department, User

logger = logging.getLogger(__name__)

# (username, role, department code or None, staff)
DEMO_USERS = [
    ("planner", User.Role.PLANNER, "jxw", True),
    ("agri_editor", User.Role.EDITOR, "nlb", False),
    ("agri_viewer", User.Role.VIEWER, "nlb", False),
    ("service_viewer", User.Role.VIEWER, "fwy", False),
    ("api_client", User.Role.API_CLIENT, None, False),
]


@transaction.atomic
def demo_users_ensure() -> list[User]:
    """Create (or reset) the demo users with the demo password. Refused unless DEBUG is on."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo users are only created with DEBUG on.")
    users = []
    for username, role, department_code, staff in DEMO_USERS:
        department = Department.objects.get(code=department_code) if department_code else None
        user, _ = User.objects.update_or_create(
            username=username, defaults={"role": role, "department": department, "is_staff": staff, "is_active": True}
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users.append(user)
    return users


def _require_manager(by: User, user: User) -> None:
    if not rights.manages_accounts(by):
        raise PermissionDenied(_("Only a planner may issue or revoke API tokens."))
    if not rights.may_manage(by, user):
        raise PermissionDenied(_("Only a superuser may issue or revoke the API token of a planner or a superuser."))


@transaction.atomic
def token_issue(*, by: User, user: User) -> Token:
    """A planner issues a department account's API token (a superuser anyone's), replacing any earlier one
    (which stops working at once)."""
    _require_manager(by, user)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    logger.info("API token issued for %s by %s", user.username, by.username)
    return token


@transaction.atomic
def token_revoke(*, by: User, user: User) -> bool:
    """A planner revokes a department account's API token (a superuser anyone's); returns whether there was one."""
    _require_manager(by, user)
    deleted, _count = Token.objects.filter(user=user).delete()
    logger.info("API token of %s revoked by %s", user.username, by.username)
    return bool(deleted)
