"""`{% submit_token_field %}`: the hidden one-time token of a form that creates something
(see accounts/submit_once.py), with the script that disables its submit button once sent
(a static file: the CSP forbids inline scripts)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.submit_once import FIELD_NAME, submit_token_new

register = template.Library()

SCRIPT = "js/submit-once.js"


@register.simple_tag
def submit_token_field() -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}"><script src="{}" defer></script>',
        FIELD_NAME,
        submit_token_new(),
        static(SCRIPT),
    )
