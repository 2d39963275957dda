"""The user admin cannot be used to widen anyone's rights beyond a department account's, except by a superuser.

A planner (staff, not superuser) manages department accounts (editors, viewers, API clients): the whole
change form is tried field by field, the add form, the password change view, the bulk delete and the token
page. Planners and superusers are changed only by a superuser, who can still do everything.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.forms import MultiValueField
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org import rights
from org.models import Department, User

pytestmark = pytest.mark.django_db

PASSWORD = "liaoning-bohai-7319"
# The change form's fields a planner may edit on a department account; every other field is read-only.
PLANNER_EDITABLE = {"username", "first_name", "last_name", "email", "is_active", "role", "department"}


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.gov.cn")


@pytest.fixture
def accounts(make_user, planner, superuser) -> dict[str, User]:
    """One account of every kind a planner might try to change."""
    return {
        "editor": make_user(User.Role.EDITOR, "nlb", username="acc-editor"),
        "staff editor": make_user(User.Role.EDITOR, "nlb", username="acc-staff-editor", is_staff=True),
        "viewer": make_user(User.Role.VIEWER, "nlb", username="acc-viewer"),
        "api client": make_user(User.Role.API_CLIENT, username="acc-api"),
        "other planner": make_user(User.Role.PLANNER, "jxw", username="acc-planner", is_staff=True),
        "the planner itself": planner,
        "superuser": superuser,
    }


DEPARTMENT_ACCOUNTS = ("editor", "staff editor", "viewer", "api client")
PRIVILEGED_ACCOUNTS = ("other planner", "the planner itself", "superuser")


def _change_url(user: User) -> str:
    return reverse("admin:org_user_change", args=[user.pk])


def _form_data(response) -> dict[str, object]:
    """What the change or add form would post back unchanged: its editable fields with their values."""
    form = response.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field, MultiValueField):  # date and time in two inputs
            parts = field.widget.decompress(value) if value else ["", ""]
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = part.strftime("%Y-%m-%d" if index == 0 else "%H:%M:%S") if part else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def _rights(user: User) -> tuple:
    user.refresh_from_db()
    return (user.role, user.is_staff, user.is_superuser, sorted(user.groups.values_list("pk", flat=True)),
            sorted(user.user_permissions.values_list("pk", flat=True)), user.password)


@pytest.fixture
def widening(db) -> dict[str, object]:
    """For every field that could grant rights, the value that would widen them most."""
    group = Group.objects.create(name="everything")
    group.permissions.set(Permission.objects.all())
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(group.pk)],
        "user_permissions": [str(p.pk) for p in Permission.objects.filter(codename__in=["change_user", "add_token"])],
        "role": User.Role.PLANNER,
    }


# --- what a planner sees --------------------------------------------------------------------------------

def test_a_planners_change_form_edits_only_the_department_fields(client, planner, accounts):
    client.force_login(planner)
    response = client.get(_change_url(accounts["editor"]))
    form = response.context["adminform"].form
    editable = {name for name, field in form.fields.items() if not field.disabled}
    assert editable == PLANNER_EDITABLE
    assert set(rights.SUPERUSER_FIELDS) <= set(response.context["adminform"].readonly_fields)
    assert [value for value, _label in form.fields["role"].choices if value] == [
        User.Role.EDITOR, User.Role.VIEWER, User.Role.API_CLIENT]


@pytest.mark.parametrize("field", ["is_staff", "is_superuser", "groups", "user_permissions", "role"])
@pytest.mark.parametrize("kind", DEPARTMENT_ACCOUNTS)
def test_a_planner_cannot_widen_a_department_account_field_by_field(client, planner, accounts, widening, kind,
                                                                    field):
    account = accounts[kind]
    client.force_login(planner)
    url = _change_url(account)
    before = _rights(account)
    data = _form_data(client.get(url)) | {field: widening[field]}
    response = client.post(url, data)
    if field == "role":
        assert response.status_code == 200  # the form says the choice is not available
        assert "role" in response.context["adminform"].form.errors
    else:
        assert response.status_code == 302  # saved: the posted field was not part of the form
    assert _rights(account) == before


@pytest.mark.parametrize("field", ["last_login", "date_joined"])
def test_a_planner_cannot_rewrite_an_accounts_dates(client, planner, accounts, field):
    account = accounts["editor"]
    client.force_login(planner)
    url = _change_url(account)
    before = getattr(account, field)
    client.post(url, _form_data(client.get(url)) | {f"{field}_0": "2001-01-01", f"{field}_1": "00:00:00"})
    account.refresh_from_db()
    assert getattr(account, field) == before


def test_a_planner_changes_a_department_accounts_role_department_and_details(client, planner, accounts):
    account = accounts["viewer"]
    other = Department.objects.get(code="fwy")
    client.force_login(planner)
    url = _change_url(account)
    data = _form_data(client.get(url)) | {"role": User.Role.EDITOR, "department": str(other.pk),
                                          "email": "viewer@example.gov.cn", "first_name": "伟"}
    data.pop("is_active", None)
    assert client.post(url, data).status_code == 302
    account.refresh_from_db()
    assert (account.role, account.department, account.email, account.first_name, account.is_active) == (
        User.Role.EDITOR, other, "viewer@example.gov.cn", "伟", False)


@pytest.mark.parametrize("kind", PRIVILEGED_ACCOUNTS)
def test_a_planner_only_views_planners_and_superusers(client, planner, accounts, widening, kind):
    account = accounts[kind]
    client.force_login(planner)
    url = _change_url(account)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'type="submit"' not in page.content.decode().split('id="user_form"')[-1].split("</form>")[0]
    before = _rights(account)
    data = {"username": account.username, "role": User.Role.VIEWER, "department": "", "is_active": "on"} | widening
    assert client.post(url, data).status_code == 403
    assert _rights(account) == before


@pytest.mark.parametrize("kind", PRIVILEGED_ACCOUNTS)
def test_a_planner_cannot_set_a_planners_or_superusers_password(client, planner, accounts, kind):
    account = accounts[kind]
    client.force_login(planner)
    url = reverse("admin:auth_user_password_change", args=[account.pk])
    assert client.get(url).status_code == 403
    new = {"password1": "shenyang-harbour-4471", "password2": "shenyang-harbour-4471", "usable_password": "true"}
    assert client.post(url, new).status_code == 403
    for unusable in ({"usable_password": "false"},):
        assert client.post(url, unusable).status_code == 403
    account.refresh_from_db()
    assert account.check_password(PASSWORD if kind == "superuser" else "pw-jinzhou-123")


def test_a_planner_sets_a_department_accounts_password(client, planner, accounts):
    account = accounts["editor"]
    client.force_login(planner)
    url = reverse("admin:auth_user_password_change", args=[account.pk])
    response = client.post(url, {"password1": "shenyang-harbour-4471", "password2": "shenyang-harbour-4471",
                                 "usable_password": "true"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("shenyang-harbour-4471")


@pytest.mark.parametrize("kind", PRIVILEGED_ACCOUNTS)
def test_a_planner_cannot_delete_a_planner_or_superuser(client, planner, accounts, kind):
    account = accounts[kind]
    client.force_login(planner)
    assert client.post(reverse("admin:org_user_delete", args=[account.pk]), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=account.pk).exists()


def test_the_bulk_delete_refuses_a_selection_with_a_superuser_in_it(client, planner, accounts):
    client.force_login(planner)
    selection = [str(accounts["viewer"].pk), str(accounts["superuser"].pk)]
    response = client.post(reverse("admin:org_user_changelist"),
                           {"action": "delete_selected", "_selected_action": selection, "post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk__in=selection).count() == 2


def test_the_bulk_delete_removes_department_accounts(client, planner, accounts):
    client.force_login(planner)
    selection = [str(accounts["viewer"].pk), str(accounts["api client"].pk)]
    response = client.post(reverse("admin:org_user_changelist"),
                           {"action": "delete_selected", "_selected_action": selection, "post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=selection).exists()


def test_the_user_list_offers_no_action_beyond_deleting(client, planner):
    client.force_login(planner)
    actions = client.get(reverse("admin:org_user_changelist")).context["action_form"].fields["action"].choices
    assert [value for value, _label in actions if value] == ["delete_selected"]


def test_a_planners_add_form_creates_only_department_accounts(client, planner, widening):
    client.force_login(planner)
    url = reverse("admin:org_user_add")
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {"username", "usable_password", "password1", "password2", "role", "department"}
    data = {"username": "new-editor", "usable_password": "true", "password1": "shenyang-harbour-4471",
            "password2": "shenyang-harbour-4471", "role": User.Role.EDITOR,
            "department": str(Department.objects.get(code="nlb").pk)}
    assert client.post(url, data | {k: v for k, v in widening.items() if k != "role"}).status_code == 302
    created = User.objects.get(username="new-editor")
    assert _rights(created)[:5] == (User.Role.EDITOR, False, False, [], [])

    response = client.post(url, data | {"username": "new-planner", "role": User.Role.PLANNER})
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new-planner").exists()


# --- what a superuser can do -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["editor", "other planner", "superuser"])
def test_a_superuser_grants_and_removes_every_right(client, superuser, accounts, widening, kind):
    account = accounts[kind]
    client.force_login(superuser)
    url = _change_url(account)
    data = _form_data(client.get(url))
    assert set(rights.SUPERUSER_FIELDS) <= set(client.get(url).context["adminform"].form.fields)
    assert client.post(url, data | widening).status_code == 302
    role, staff, superuser_flag, groups, permissions, _password = _rights(account)
    assert (role, staff, superuser_flag) == (User.Role.PLANNER, True, True)
    assert groups
    assert len(permissions) == 2

    data = _form_data(client.get(url)) | {"role": User.Role.VIEWER, "groups": [], "user_permissions": []}
    data.pop("is_staff")
    data.pop("is_superuser")
    assert client.post(url, data).status_code == 302
    assert _rights(account)[:5] == (User.Role.VIEWER, False, False, [], [])


def test_a_superuser_sets_another_superusers_password(client, superuser, make_user):
    other = User.objects.create_superuser(username="root2", password=PASSWORD)
    client.force_login(superuser)
    response = client.post(reverse("admin:auth_user_password_change", args=[other.pk]),
                           {"password1": "shenyang-harbour-4471", "password2": "shenyang-harbour-4471",
                            "usable_password": "true"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("shenyang-harbour-4471")


def test_a_superuser_adds_a_planner(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:org_user_add"), {
        "username": "new-planner", "usable_password": "true", "password1": "shenyang-harbour-4471",
        "password2": "shenyang-harbour-4471", "role": User.Role.PLANNER,
        "department": str(Department.objects.get(code="jxw").pk)})
    assert response.status_code == 302
    assert User.objects.get(username="new-planner").is_planner


# --- the same rule on the token page ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", PRIVILEGED_ACCOUNTS)
def test_a_planner_cannot_issue_or_revoke_a_planners_or_superusers_token(client, planner, accounts, kind):
    account = accounts[kind]
    Token.objects.create(user=account)
    key = account.auth_token.key
    client.force_login(planner)
    page = client.get(reverse("tokens")).content.decode()
    assert f'name="user" value="{account.pk}"' not in page
    for action in ("issue", "revoke"):
        assert client.post(reverse("tokens"), {"user": account.pk, "action": action}).status_code == 403
    assert Token.objects.get(user=account).key == key


def test_a_superuser_issues_a_planners_token(client, superuser, accounts):
    client.force_login(superuser)
    client.post(reverse("tokens"), {"user": accounts["other planner"].pk, "action": "issue"})
    assert Token.objects.filter(user=accounts["other planner"]).exists()


def test_the_rule_in_one_place(planner, superuser, accounts, make_user):
    viewer = make_user(User.Role.VIEWER, "nlb")
    assert all(rights.may_manage(planner, accounts[kind]) for kind in DEPARTMENT_ACCOUNTS)
    assert not any(rights.may_manage(planner, accounts[kind]) for kind in PRIVILEGED_ACCOUNTS)
    assert all(rights.may_manage(superuser, account) for account in accounts.values())
    assert not any(rights.may_manage(viewer, account) for account in accounts.values())
    planner.is_active = False
    assert not rights.may_manage(planner, accounts["viewer"])
