"""The channel form: addresses are checked per kind; the stored address and secret are never put back into
the form (blank keeps them), so neither reaches a page in full."""
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from org.models import Department

from .models import Channel

validate_webhook = URLValidator(schemes=["http", "https"])


def clean_address(kind: str, url: str) -> str:
    """The address a channel of `kind` posts to: an http(s) URL for a robot, an e-mail address (or mailto:) for
    e-mail. Raises ValidationError. WeCom's and DingTalk's documented hosts are qyapi.weixin.qq.com and
    oapi.dingtalk.com; other hosts are allowed (a proxy, the tests' local server)."""
    url = url.strip()
    if kind == Channel.Kind.EMAIL:
        address = url.removeprefix("mailto:")
        EmailValidator(message=_("Enter an e-mail address."))(address)
        return address
    validate_webhook(url)
    return url


class ChannelForm(forms.Form):
    department = forms.ModelChoiceField(
        Department.objects.order_by("code"), required=False, label=_("Department"),
        empty_label=_("City-wide (planners)"),
    )
    kind = forms.ChoiceField(choices=Channel.Kind.choices, label=_("Kind"))
    url = forms.CharField(
        label=_("Webhook address or e-mail"), required=False, max_length=1000,
        help_text=_("WeCom: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; DingTalk: "
                    "https://oapi.dingtalk.com/robot/send?access_token=…; e-mail: a group mailbox."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("DingTalk signing secret (加签)"), required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Starts with SEC. Stored encrypted and never shown again."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, channel: Channel | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is not None:
            self.fields["url"].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                "masked": escape(channel.url_masked)}
            if channel.secret_encrypted:
                self.fields["secret"].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                    "masked": escape(channel.secret_masked)}
        else:
            self.fields["url"].required = True
            del self.fields["clear_secret"]

    def clean(self) -> dict:
        data = super().clean()
        kind, url = data.get("kind"), data.get("url", "")
        if kind and url:
            try:
                data["url"] = clean_address(kind, url)
            except ValidationError as error:
                self.add_error("url", error)
        elif kind and self.channel is not None and kind != self.channel.kind:
            self.add_error("url", _("A channel of another kind needs its address entered again."))
        if data.get("secret") and kind != Channel.Kind.DINGTALK:
            self.add_error("secret", _("Only a DingTalk robot has a signing secret."))
        return data
