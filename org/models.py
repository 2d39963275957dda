"""Territorial regions, departments and users with their role."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import AccessRule, ScopedQuerySet
from core.models import Bilingual, TimeStampedModel, Versioned


class Region(Bilingual, TimeStampedModel, Versioned):
    """A territorial unit named by the plan: a county, an urban district or a zone."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("county / county-level city")
        URBAN = "urban", _("urban district")
        ZONE = "zone", _("development zone / new area")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    # Regions are the city's own map: every signed-in user may see them.
    access = AccessRule(view=(), edit=(), public=models.Q(pk__isnull=False))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kind", "code"]


class Department(Bilingual, TimeStampedModel, Versioned):
    """A municipal commission or office, a support department, or a county/district government.

    A government department belongs to its region: it is the responsible subject (责任主体)
    for the clusters and parks on that territory.
    """

    class Kind(models.TextChoices):
        COMMISSION = "commission", _("competent commission / office")
        GOVERNMENT = "government", _("county / district government")
        SUPPORT = "support", _("support department")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="departments"
    )
    responsibility = models.TextField(_("responsibility"), blank=True)
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The plan does not name this; edit when known.")
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    access = AccessRule(view=(), edit=(), public=models.Q(pk__isnull=False))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="government", region__isnull=False) | ~models.Q(kind="government"),
                name="department_government_has_region",
                violation_error_message=_("A county/district government must belong to a region."),
            ),
        ]


class User(AbstractUser):
    """A person or API client, with one role and at most one department.

    What a role may do is decided in `core.access` only (`may`, `restrict`), never by comparing roles here
    or anywhere else.
    """

    class Role(models.TextChoices):
        PLANNER = "planner", _("planner (sees and edits everything, approves)")
        EDITOR = "editor", _("department editor")
        VIEWER = "viewer", _("department viewer")
        API_CLIENT = "api_client", _("API client (read-only)")

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Editors and viewers see what this department is responsible for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class SecurityEvent(models.Model):
    """One audited event: a sign-in, a failed or locked-out sign-in, a sign-out, or a change to what a user
    may do (role, department, staff/superuser/active flags, groups, permissions, API token).

    Written only by the receivers in `org.audit`; nobody edits or deletes a row (the admin is read-only).
    `user` is the account concerned, `actor` who did it (empty for a sign-in attempt or a command).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("signed out")
        USER_CREATED = "user_created", _("user created")
        ROLE_CHANGED = "role_changed", _("role changed")
        DEPARTMENT_CHANGED = "department_changed", _("department changed")
        STAFF_CHANGED = "staff_changed", _("staff status changed")
        SUPERUSER_CHANGED = "superuser_changed", _("superuser status changed")
        ACTIVE_CHANGED = "active_changed", _("active status changed")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        GROUPS_CHANGED = "groups_changed", _("groups changed")
        PERMISSIONS_CHANGED = "permissions_changed", _("permissions changed")
        GROUP_PERMISSIONS_CHANGED = "group_permissions_changed", _("group permissions changed")
        TOKEN_CREATED = "token_created", _("API token issued")
        TOKEN_DELETED = "token_deleted", _("API token revoked")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="security_events")
    username = models.CharField(_("user name"), max_length=150, blank=True,
                                help_text=_("As typed for a sign-in attempt; kept when the user is deleted."))
    actor = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
