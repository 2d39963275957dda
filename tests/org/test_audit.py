"""The security audit: one SecurityEvent per sign-in, failure, lockout, sign-out and change of rights."""
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org import services
from org.audit import client_ip
from org.models import Department, SecurityEvent, User

Kind = SecurityEvent.Kind
LOGIN = reverse("login")


def _events(kind: str, **filters):
    return list(SecurityEvent.objects.filter(kind=kind, **filters).order_by("id"))


def _login(client, username: str, password: str = "pw-jinzhou-123", ip: str = "10.3.3.3"):  # noqa: S107
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_is_audited_with_the_address(client, agri_editor):
    _login(client, agri_editor.username)
    [event] = _events(Kind.LOGIN, user=agri_editor)
    assert (event.username, event.ip, event.actor) == (agri_editor.username, "10.3.3.3", agri_editor)


def test_a_failed_sign_in_is_audited_with_the_name_typed(client, agri_editor):
    _login(client, "nobody-of-that-name", "guess")
    _login(client, agri_editor.username, "guess")
    assert [e.username for e in _events(Kind.LOGIN_FAILED)] == ["nobody-of-that-name", agri_editor.username]
    assert _events(Kind.LOGIN_FAILED)[1].user == agri_editor
    assert "guess" not in str(_events(Kind.LOGIN_FAILED)[1].details)


def test_a_lockout_is_audited(client, agri_editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, agri_editor.username, "guess")
    [event] = _events(Kind.LOCKED_OUT)
    assert (event.user, event.ip, event.details["failure_limit"]) == (agri_editor, "10.3.3.3",
                                                                       settings.AXES_FAILURE_LIMIT)


def test_sign_out_is_audited(client, agri_editor):
    _login(client, agri_editor.username)
    client.post(reverse("logout"), REMOTE_ADDR="10.3.3.3")
    [event] = _events(Kind.LOGOUT)
    assert (event.user, event.ip) == (agri_editor, "10.3.3.3")


def test_creating_a_user_is_audited(planner):
    user = User.objects.create_user(username="new-one", role=User.Role.VIEWER,
                                    department=Department.objects.get(code="nlb"))
    [event] = _events(Kind.USER_CREATED, user=user)
    assert event.details == {"role": "viewer", "department": "nlb", "is_staff": False, "is_superuser": False,
                             "is_active": True}


@pytest.mark.parametrize(("field", "value", "kind", "details"), [
    ("role", User.Role.PLANNER, Kind.ROLE_CHANGED, {"from": "editor", "to": "planner"}),
    ("is_staff", True, Kind.STAFF_CHANGED, {"from": False, "to": True}),
    ("is_superuser", True, Kind.SUPERUSER_CHANGED, {"from": False, "to": True}),
    ("is_active", False, Kind.ACTIVE_CHANGED, {"from": True, "to": False}),
])
def test_a_change_of_rights_is_audited(agri_editor, field, value, kind, details):
    setattr(agri_editor, field, value)
    agri_editor.save()
    [event] = _events(kind, user=agri_editor)
    assert event.details == details


def test_a_department_change_is_audited(agri_editor):
    agri_editor.department = Department.objects.get(code="fwy")
    agri_editor.save(update_fields=["department"])
    [event] = _events(Kind.DEPARTMENT_CHANGED, user=agri_editor)
    assert event.details == {"from": "nlb", "to": "fwy"}


def test_a_password_change_is_audited_without_the_password(agri_editor):
    agri_editor.set_password("a-new-long-password-42")
    agri_editor.save()
    [event] = _events(Kind.PASSWORD_CHANGED, user=agri_editor)
    assert event.details == {}


def test_saving_last_login_writes_nothing(agri_editor):
    before = SecurityEvent.objects.count()
    agri_editor.save(update_fields=["last_login"])
    agri_editor.first_name = "伟"
    agri_editor.save()
    assert SecurityEvent.objects.count() == before


def test_group_changes_are_audited_from_either_side(agri_editor):
    reviewers = Group.objects.create(name="reviewers")
    agri_editor.groups.add(reviewers)
    reviewers.user_set.remove(agri_editor)
    agri_editor.groups.add(reviewers)
    agri_editor.groups.clear()
    assert [(e.details["action"], e.details["items"]) for e in _events(Kind.GROUPS_CHANGED, user=agri_editor)] == [
        ("add", ["reviewers"]), ("remove", ["reviewers"]), ("add", ["reviewers"]), ("clear", ["reviewers"])]


def test_permission_changes_are_audited(agri_editor):
    permission = Permission.objects.get(codename="change_cluster")
    agri_editor.user_permissions.add(permission)
    [event] = _events(Kind.PERMISSIONS_CHANGED, user=agri_editor)
    assert event.details == {"action": "add", "items": ["clusters.change_cluster"]}


def test_a_permission_given_from_its_own_side_is_audited_for_each_user(agri_editor, planner):
    permission = Permission.objects.get(codename="change_cluster")
    permission.user_set.add(agri_editor, planner)
    events = _events(Kind.PERMISSIONS_CHANGED)
    assert sorted(e.user.username for e in events) == sorted([agri_editor.username, planner.username])
    assert all(e.details == {"action": "add", "items": ["clusters.change_cluster"]} for e in events)


def test_a_groups_permissions_changed_from_the_permissions_side_are_audited(db):
    group = Group.objects.create(name="reviewers")
    permission = Permission.objects.get(codename="change_cluster")
    permission.group_set.add(group)
    permission.group_set.remove(group)
    assert [(e.details["group"], e.details["action"], e.details["items"])
            for e in _events(Kind.GROUP_PERMISSIONS_CHANGED)] == [
        ("reviewers", "add", ["clusters.change_cluster"]), ("reviewers", "remove", ["clusters.change_cluster"])]


def test_a_change_outside_a_request_has_no_actor_and_no_address(agri_editor):
    agri_editor.role = User.Role.VIEWER
    agri_editor.save()
    [event] = _events(Kind.ROLE_CHANGED, user=agri_editor)
    assert (event.actor, event.ip) == (None, None)


def test_a_groups_permissions_are_audited(db):
    group = Group.objects.create(name="reviewers")
    group.permissions.add(Permission.objects.get(codename="change_cluster"))
    [event] = _events(Kind.GROUP_PERMISSIONS_CHANGED)
    assert event.details == {"group": "reviewers", "action": "add", "items": ["clusters.change_cluster"]}


def test_tokens_issued_and_revoked_on_the_token_page_are_audited(client, planner, make_user):
    api = make_user(User.Role.API_CLIENT)
    client.force_login(planner)
    client.post(reverse("tokens"), {"user": api.pk, "action": "issue"}, REMOTE_ADDR="10.4.4.4")
    client.post(reverse("tokens"), {"user": api.pk, "action": "revoke"}, REMOTE_ADDR="10.4.4.4")
    created, deleted = _events(Kind.TOKEN_CREATED, user=api), _events(Kind.TOKEN_DELETED, user=api)
    assert len(created) == len(deleted) == 1
    assert (created[0].actor, created[0].ip) == (planner, "10.4.4.4")
    token_key_free = [str(e.details) for e in created + deleted]
    assert not any(len(text) > 40 for text in token_key_free)


def test_tokens_made_outside_a_request_are_audited_without_an_actor(planner, make_user):
    api = make_user(User.Role.API_CLIENT)
    services.token_issue(by=planner, user=api)
    Token.objects.filter(user=api).delete()
    assert [e.kind for e in SecurityEvent.objects.filter(user=api).exclude(kind=Kind.USER_CREATED)
            .order_by("id")] == [Kind.TOKEN_CREATED, Kind.TOKEN_DELETED]
    assert SecurityEvent.objects.get(kind=Kind.TOKEN_CREATED, user=api).actor is None


def test_a_change_in_the_admin_names_who_made_it(client, planner, agri_editor):
    client.force_login(planner)
    url = reverse("admin:org_user_change", args=[agri_editor.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"username": agri_editor.username, "role": User.Role.VIEWER,
                 "department": agri_editor.department_id, "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
                 "is_active": "on"})
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = _events(Kind.ROLE_CHANGED, user=agri_editor)
    assert (event.actor, event.ip) == (planner, "10.5.5.5")


def test_the_audit_is_read_only_in_the_admin_and_for_planners_only(client, planner, make_user):
    staff_editor = make_user(User.Role.EDITOR, "nlb", is_staff=True)
    event = SecurityEvent.objects.order_by("id").first()
    client.force_login(planner)
    assert client.get(reverse("admin:org_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:org_securityevent_change", args=[event.pk])).status_code == 200
    assert client.post(reverse("admin:org_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:org_securityevent_add")).status_code == 403
    client.force_login(staff_editor)
    assert client.get(reverse("admin:org_securityevent_changelist")).status_code == 403


@pytest.mark.parametrize(("proxies", "meta", "expected"), [
    (0, {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.9"),
    (1, {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "1.2.3.4"),
    (1, {"REMOTE_ADDR": "10.0.0.9"}, "10.0.0.9"),
    (0, {"REMOTE_ADDR": "not-an-address"}, None),
])
def test_the_client_address_trusts_only_the_configured_proxies(rf, settings, proxies, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/")
    request.META.update(meta)
    assert client_ip(request) == expected
