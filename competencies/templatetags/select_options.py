"""`{% select_field field %}`: a form's `<select>` written in one pass (issue 23).

Django renders every `<option>` of a `<select>` through its own widget template, about
7 ms for the catalogue's competency and unit lists; this writes the same markup (name,
the attributes Django's BoundField gives the widget: `required`, `aria-invalid`,
`aria-describedby`; the id; the selected option) with one `format_html_join`. For single-choice `forms.Select`
widgets only; anything else is rendered by Django as usual."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def select_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    if type(widget) is not forms.Select or not hasattr(field.field, "choices"):
        return field.as_widget()
    value = field.value()
    current = "" if value is None else str(value)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                "" if option is None else str(option),
                SafeString(" selected") if str("" if option is None else option) == current else "",
                label,
            )
            for option, label in field.field.choices
        ),
    )
    # The attributes Django gives the widget (required, aria-invalid, aria-describedby),
    # then the id, in Django's order.
    attrs = field.build_widget_attrs(dict(widget.attrs))
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    # As django/forms/widgets/attrs.html writes them (flatatt would sort them).
    written = format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )
    return format_html('<select name="{}"{}>{}</select>', field.html_name, written, options)
