from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from core.numbers import ModelChoiceField

from .models import User


class TokenActionForm(forms.Form):
    """Issue (or replace) or revoke one user's API token."""

    user = ModelChoiceField(queryset=User.objects.all())
    action = forms.ChoiceField(choices=[("issue", "issue"), ("revoke", "revoke")])


class _BoundedUserName:
    """Django gives the sign-in form's user-name field its max_length after building it, so the limit is only
    an HTML attribute: a 10,000-character name reached authenticate() and django-axes' 255-character column
    (a 500). The limit is checked here before anything is looked up; the page says "wrong user name or
    password" as for any failed sign-in."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(_BoundedUserName, AuthenticationForm):
    pass


class AdminSignInForm(_BoundedUserName, AdminAuthenticationForm):
    pass
