from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from allauth.account.forms import LoginForm as AllauthLoginForm

from accounts.nip import NIP_LENGTH, nip_normalize


class LoginForm(AllauthLoginForm):
    """allauth's login form, asking for "e-mail or NIP". A NIP typed with the usual
    spaces (8-6-1-3) is accepted."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("E-mail or NIP")
        field.widget.attrs.update(
            {"placeholder": _("name@bontangkota.go.id or 18-digit NIP"), "autocomplete": "username"}
        )

    def clean_login(self) -> str:
        login = super().clean_login()
        compact = nip_normalize(login)
        if compact.isdigit() and len(compact) == NIP_LENGTH:
            return compact
        return login
