from django import forms

from core.numbers import ModelChoiceField

from .models import User


class TokenActionForm(forms.Form):
    """Issue (or replace) or revoke one user's API token."""

    user = ModelChoiceField(queryset=User.objects.all())
    action = forms.ChoiceField(choices=[("issue", "issue"), ("revoke", "revoke")])
