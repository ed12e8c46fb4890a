"""The error summary at the top of a form: every error, each linking to its field."""
from dataclasses import dataclass

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class ErrorLink:
    href: str
    label: str
    message: str


def _first_visible_field_id(form: forms.BaseForm) -> str:
    for field in form.visible_fields():
        return field.id_for_label or field.auto_id
    return ""


def _form_links(form: forms.BaseForm, prefix_label: str = "") -> list[ErrorLink]:
    links: list[ErrorLink] = []
    if not form.is_bound or not form.errors:
        return links
    for message in form.non_field_errors():
        links.append(ErrorLink(f"#{_first_visible_field_id(form)}", prefix_label, str(message)))
    for field in form:
        if field.is_hidden:
            anchor = _first_visible_field_id(form)
        else:
            anchor = field.id_for_label or field.auto_id
        label = f"{prefix_label}: {field.label}" if prefix_label else str(field.label)
        for message in field.errors:
            links.append(ErrorLink(f"#{anchor}", label, str(message)))
    return links


def _formset_links(formset: BaseFormSet) -> list[ErrorLink]:
    links = [
        ErrorLink(f"#{formset.prefix}", _("Members"), str(message))
        for message in formset.non_form_errors()
    ]
    for number, form in enumerate(formset.forms, start=1):
        links.extend(_form_links(form, _("Member %(number)s") % {"number": number}))
    return links


@register.inclusion_tag("site/_error_summary.html")
def error_summary(*forms_and_formsets, note: str = "") -> dict:
    """Render the summary for the given bound forms and formsets (nothing if all are valid).

    Each entry links to ``#<id of the field>`` so that a keyboard or screen-reader user
    jumps straight to the input; the summary itself takes the focus after an invalid save.
    ``note`` is an optional sentence shown under the heading.
    """
    links: list[ErrorLink] = []
    for item in forms_and_formsets:
        if item is None or not getattr(item, "is_bound", False):
            continue
        if isinstance(item, BaseFormSet):
            links.extend(_formset_links(item))
        else:
            links.extend(_form_links(item))
    return {"error_links": links, "note": note}
