"""Writes to users."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import Department, User

# (username, role, department code or None, staff)
DEMO_USERS = [
    ("planner", User.Role.PLANNER, "jxw", True),
    ("agri_editor", User.Role.EDITOR, "nlb", False),
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
