"""Forms: showing service errors on the form that caused them, and the project's form renderer."""

from __future__ import annotations

import html

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
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


def _html(value) -> str:
    """`{{ value }}` in a template: localized, then escaped unless already safe (django.utils.html.escape is
    html.escape; its lazy-argument wrapper costs more than the escaping on a page of hundreds of options)."""
    if type(value) is not str:
        value = localize(value)
        if hasattr(value, "__html__"):
            return value.__html__()
    return html.escape(str(value))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless it was safe (the filter keeps safety)."""
    return str(value) if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict, *, skip: str = "") -> str:
    """Django's widgets/attrs.html: ` name="value"` per attribute, ` name` for True, nothing for False."""
    return "".join(
        f" {_html(name)}" if value is True else f' {_html(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False and name != skip
    )


def _css(base: str, attrs: dict) -> str:
    extra = attrs.get("class")
    return f"{base} {_html(extra)}" if extra else base


def render_select(widget: dict) -> str:
    """The HTML of templates/django/forms/widgets/select.html (and Django's select_option.html) for a widget
    context, written in Python: the template includes one sub-template per <option> (≈ 30 µs each), and filter
    forms carry hundreds of options (provinces, communes, sectors, programmes) on the most visited pages."""
    attrs = widget["attrs"]
    parts = [f'<select name="{_html(widget["name"])}" class="{_css("form-select", attrs)}"']
    parts.append(_attributes(attrs, skip="class"))
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_html(group_name)}">')
        for option in options:
            # The option template ends with a newline.
            label = _html(option["label"])
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attributes(option["attrs"])}>{label}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value was escaped above


def render_input(widget: dict) -> str:
    """templates/django/forms/widgets/input.html in Python (every text, number, date, hidden… field)."""
    attrs, kind = widget["attrs"], widget["type"]
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    base = "form-check-input" if kind in ("checkbox", "radio") else "form-control"
    return mark_safe(  # every value was escaped above
        f'<input type="{_html(kind)}" name="{_html(widget["name"])}"{shown} class="{_css(base, attrs)}"'
        f"{_attributes(attrs, skip='class')}>"
    )


_STAR = ' <span class="text-danger" aria-hidden="true">*</span>'


def render_field_group(field) -> str:
    """templates/django/forms/field.html in Python: label, widget, help text and errors of one field, written
    once per field of every form (a filter form has ten; the template costs ≈ 0.3 ms each)."""
    label, fieldset = field.label, field.use_fieldset
    checkbox = field.widget_type == "checkbox"
    star = _STAR if field.field.required else ""
    auto_id = _html(field.auto_id)
    if fieldset:
        head = '<fieldset class="mb-3">' + (
            f'<legend class="form-label fs-6">{_html(label)}{star}</legend>' if label else ""
        )
        head += "\n"
    else:
        head = f'<div class="mb-3{" form-check" if checkbox else ""}">\n'
        if label and not checkbox:
            head += f'<label class="form-label" for="{auto_id}">{_html(label)}{star}</label>'
    after = f'<label class="form-check-label" for="{auto_id}">{_html(label)}</label>' if label and checkbox else ""
    help_text = f'<div class="form-text" id="{auto_id}_helptext">{field.help_text}</div>' if field.help_text else ""
    errors = "".join(
        f'<div class="invalid-feedback d-block" id="{auto_id}_error">{_html(e)}</div>' for e in field.errors
    )
    end = "</fieldset>" if fieldset else "</div>"
    return mark_safe(f"{head}\n{_html(field)}\n{after}\n{help_text}\n{errors}\n{end}")  # escaped above


# Django's widget templates that are only `{% include "django/forms/widgets/input.html" %}` (and a newline, which
# the renderer strips like every template's surrounding whitespace).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
                 "color", "checkbox", "file")
)  # fmt: skip


class FormRenderer(TemplatesSetting):
    """The project's templates (templates/django/forms/), with the field group, <select> and <input> written in
    Python (`render_field_group`, `render_select`, `render_input`; tests/core/test_form_renderer.py checks each
    gives the templates' HTML)."""

    def render(self, template_name, context, request=None):
        if template_name == "django/forms/widgets/select.html":
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == "django/forms/field.html":
            return render_field_group(context["field"])
        return super().render(template_name, context, request)


class _RowsChoiceIterator(ModelChoiceIterator):
    """Options from the field's plain rows (`RowsChoiceField.option_rows`), read once per queryset: no model
    instance (nor the related objects its queryset selects) is built for a label, and the rows are not read again
    when Django walks the select a second time (its required attribute looks at the first option)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *rest in self.field.option_rows():
            yield (ModelChoiceIteratorValue(pk, None), self.field.option_label(*rest))


class RowsChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options come from (pk, *`option_columns`) rows labelled by `option_label`; the
    chosen value is still cleaned into a full instance by the queryset."""

    iterator = _RowsChoiceIterator
    option_columns: tuple[str, ...] = ("name",)

    def option_rows(self) -> list[tuple]:
        queryset = self.queryset
        if getattr(self, "_rows_of", None) is not queryset:  # a new queryset (and each form's copy) reads again
            self._rows = list(queryset.values_list("pk", *self.option_columns))
            self._rows_of = queryset
        return self._rows

    def option_label(self, name) -> str:
        return name


class NameChoiceField(RowsChoiceField):
    """Options labelled by the model's `name` (its `__str__`): the filter forms of the dashboard and the project
    list offer every programme (≈ 140 nationally, each with its province), ≈ 3 ms of instances per page."""
