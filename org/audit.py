"""The security audit: sign-ins and changes to what a user may do, as `SecurityEvent` rows.

Signal receivers, connected in `OrgConfig.ready`, write every row, whatever made the change (a page, the
admin, the API token page, a management command, the shell): sign-in, failed sign-in, lockout (django-axes),
sign-out; a user created; role, department, staff, superuser, active or password changed; groups or
permissions added or removed (from either side of the relation); a group's permissions changed; an API
token issued or revoked. Secrets (passwords, token keys) are never written. The person acting and their
address come from the current request (django-simple-history's request middleware keeps it), so a change
made outside a request (a command, a task) has no actor.
"""
from __future__ import annotations

import ipaddress
import logging
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from rest_framework.authtoken.models import Token
from simple_history.models import HistoricalRecords

from core.middleware import start_session_clock

from .models import Department, SecurityEvent, User

logger = logging.getLogger("org.audit")
Kind = SecurityEvent.Kind

# User fields whose change is audited, and the event each makes.
TRACKED_FIELDS = {
    "role": Kind.ROLE_CHANGED,
    "department_id": Kind.DEPARTMENT_CHANGED,
    "is_staff": Kind.STAFF_CHANGED,
    "is_superuser": Kind.SUPERUSER_CHANGED,
    "is_active": Kind.ACTIVE_CHANGED,
    "password": Kind.PASSWORD_CHANGED,
}
_TRACKED_UPDATE_FIELDS = {"role", "department", "department_id", "is_staff", "is_superuser", "is_active", "password"}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address they saw.

    Each proxy appends the address it received from to X-Forwarded-For, so the N-th entry from the right is
    the one the outermost trusted proxy saw; entries further left are whatever the client sent.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def current_request() -> HttpRequest | None:
    return getattr(HistoricalRecords.context, "request", None)


def record(kind: str, *, user: User | None = None, username: str = "", request: HttpRequest | None = None,
           actor: User | None = None, ip: str | None = None, details: dict[str, Any] | None = None) -> SecurityEvent:
    """Write one event. Actor and address default to the current request's user and client."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    event = SecurityEvent.objects.create(
        kind=kind, user=user, username=(username or (user.get_username() if user else ""))[:150],
        actor=actor, ip=ip or client_ip(request), details=details or {},
    )
    logger.info("security event %s user=%s actor=%s ip=%s", kind, event.username, actor, event.ip)
    return event


# --- sign-in and sign-out -------------------------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="org.audit.logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    start_session_clock(request)  # with the session's other sign-in writes, not on the next request
    record(Kind.LOGIN, user=user, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="org.audit.logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    reason = getattr(request, "session_end_reason", "") if request is not None else ""
    record(Kind.LOGOUT, user=user, request=request, actor=user, details={"reason": reason} if reason else {})


@receiver(user_login_failed, dispatch_uid="org.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or credentials.get(User.USERNAME_FIELD) or "")
    known = User.objects.filter(username=username).first() if username else None
    record(Kind.LOGIN_FAILED, user=known, username=username, request=request, actor=None)


@receiver(user_locked_out, dispatch_uid="org.audit.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    known = User.objects.filter(username=username).first() if username else None
    record(Kind.LOCKED_OUT, user=known, username=username or "", request=request, actor=None, ip=ip_address,
           details={"failure_limit": settings.AXES_FAILURE_LIMIT})


# --- changes to a user ----------------------------------------------------------------------------------

@receiver(pre_save, sender=User, dispatch_uid="org.audit.user_pre_save")
def _remember_before(sender, instance: User, raw=False, update_fields=None, **kwargs) -> None:
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (set(update_fields) & _TRACKED_UPDATE_FIELDS):
        return  # e.g. last_login on every sign-in: nothing audited can change
    instance._audit_before = User._base_manager.filter(pk=instance.pk).values(*TRACKED_FIELDS).first()


def _department_label(pk: int | None) -> str:
    if pk is None:
        return ""
    department = Department.objects.filter(pk=pk).first()
    return department.code if department else str(pk)


@receiver(post_save, sender=User, dispatch_uid="org.audit.user_post_save")
def _audit_user_change(sender, instance: User, created: bool, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        record(Kind.USER_CREATED, user=instance, details={
            "role": instance.role, "department": _department_label(instance.department_id),
            "is_staff": instance.is_staff, "is_superuser": instance.is_superuser, "is_active": instance.is_active,
        })
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    for field, kind in TRACKED_FIELDS.items():
        old, new = before[field], getattr(instance, field)
        if old == new:
            continue
        if field == "password":
            details = {}
        elif field == "department_id":
            details = {"from": _department_label(old), "to": _department_label(new)}
        else:
            details = {"from": old, "to": new}
        record(kind, user=instance, details=details)


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    return sorted(model._default_manager.filter(pk__in=pks).values_list("name", flat=True))


def _m2m_change(sender, instance, action: str, model, pk_set) -> tuple[str, set] | None:
    """(add | remove | clear, the other side's ids) once a many-to-many change is done; None otherwise."""
    if action == "pre_clear":  # afterwards nobody can say what was there: remember it now
        columns = {f.related_model: f.attname for f in sender._meta.concrete_fields if f.is_relation}
        instance._audit_cleared = set(sender.objects.filter(**{columns[type(instance)]: instance.pk})
                                      .values_list(columns[model], flat=True))
        return None
    if action not in ("post_add", "post_remove", "post_clear"):
        return None
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
    return (action.removeprefix("post_"), set(pk_set)) if pk_set else None


def _user_m2m_changed(kind: str, sender, instance, action, reverse, model, pk_set) -> None:
    """One event per user whose groups or permissions changed, whichever side of the relation was used."""
    if (change := _m2m_change(sender, instance, action, model, pk_set)) is None:
        return
    verb, pks = change
    if reverse:  # group.user_set.add(...) / permission.user_set.add(...): the ids are users
        items = _names(type(instance), [instance.pk])
        for user in User.objects.filter(pk__in=pks):
            record(kind, user=user, details={"action": verb, "items": items})
    else:
        record(kind, user=instance, details={"action": verb, "items": _names(model, pks)})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="org.audit.groups")
def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    _user_m2m_changed(Kind.GROUPS_CHANGED, sender, instance, action, reverse, model, pk_set)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="org.audit.user_permissions")
def _user_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    _user_m2m_changed(Kind.PERMISSIONS_CHANGED, sender, instance, action, reverse, model, pk_set)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="org.audit.group_permissions")
def _group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if (change := _m2m_change(sender, instance, action, model, pk_set)) is None:
        return
    verb, pks = change
    if reverse:  # permission.group_set.add(group, ...): the ids are groups
        items = _names(Permission, [instance.pk])
        for group in Group.objects.filter(pk__in=pks):
            record(Kind.GROUP_PERMISSIONS_CHANGED, details={"group": group.name, "action": verb, "items": items})
    else:
        record(Kind.GROUP_PERMISSIONS_CHANGED,
               details={"group": instance.name, "action": verb, "items": _names(Permission, pks)})


# --- API tokens -----------------------------------------------------------------------------------------

@receiver(post_save, sender=Token, dispatch_uid="org.audit.token_created")
def _token_created(sender, instance: Token, created: bool, raw=False, **kwargs) -> None:
    if created and not raw:
        record(Kind.TOKEN_CREATED, user=instance.user)


@receiver(post_delete, sender=Token, dispatch_uid="org.audit.token_deleted")
def _token_deleted(sender, instance: Token, **kwargs) -> None:
    user = User._base_manager.filter(pk=instance.user_id).first()
    record(Kind.TOKEN_DELETED, user=user)
