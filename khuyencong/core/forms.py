"""Forms: showing service errors on the form that caused them, and the project's form renderer."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from khuyencong.core.errors import DomainError


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Attach `error.details` ({field: [messages]}) to the form's fields, the message to the form itself."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for field, field_messages in details.items():
        if field in form.fields:
            for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                form.add_error(field, message)
            placed = True
    if not placed or not details:
        form.add_error(None, error.message)


def _attributes(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"` per attribute, ` name` for True, nothing for False."""
    return mark_safe(  # each piece is escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def render_select(widget: dict) -> str:
    """The HTML of templates/django/forms/widgets/select.html (and Django's select_option.html) for a widget
    context, written in Python: the template includes one sub-template per <option> (≈ 30 µs each), and filter
    forms carry hundreds of options (provinces, communes, sectors, programmes) on the most visited pages."""
    attrs = widget["attrs"]
    css = f"form-select {attrs['class']}" if attrs.get("class") else "form-select"
    parts = [format_html('<select name="{}" class="{}"', widget["name"], css)]
    parts.append(_attributes({key: value for key, value in attrs.items() if key != "class"}))
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',  # the option template ends with a newline
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    localize(option["label"]),
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every piece went through format_html


class FormRenderer(TemplatesSetting):
    """The project's templates (templates/django/forms/), with <select> written by `render_select`."""

    def render(self, template_name, context, request=None):
        if template_name == "django/forms/widgets/select.html":
            return render_select(context["widget"])
        return super().render(template_name, context, request)


class _NameChoiceIterator(ModelChoiceIterator):
    """Options from (pk, name) rows: no model instance (nor the related objects its queryset selects) is built
    for a label that is only the name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", "name"):
            yield (ModelChoiceIteratorValue(pk, None), name)


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are labelled by the model's `name` (its `__str__`), read as plain rows:
    the filter forms of the dashboard and the project list offer every programme (≈ 140 nationally, each with
    its province), ≈ 3 ms of instances per page. The chosen value is still cleaned into a full instance."""

    iterator = _NameChoiceIterator
