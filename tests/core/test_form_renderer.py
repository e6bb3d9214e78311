"""The project's renderer writes <select> in Python: it must give exactly the HTML of the templates it replaces
(templates/django/forms/widgets/select.html with Django's select_option.html), for every shape of select."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from khuyencong.core.forms import FormRenderer, NameChoiceField
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.programmes.models import ContentItem

SELECT_TEMPLATE = "django/forms/widgets/select.html"


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tất cả"), ("a", "Cà phê <rang> & xay"), ("b", 'Gốm "Bát Tràng"')])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Miền Bắc", [("hn", "Hà Nội"), ("hp", "Hải Phòng")]), ("x", "Khác")], required=False
    )
    many = forms.MultipleChoiceField(choices=[(1, "Một"), (2, "Hai"), (2024, 2024)], required=False)
    flag = forms.NullBooleanField(required=False)
    safe_label = forms.ChoiceField(choices=[("s", mark_safe("<b>đậm</b>"))], required=False)
    attrs = forms.ChoiceField(
        choices=[("1", "Một")],
        widget=forms.Select(attrs={"class": "form-select-sm", "data-url": "/x?a=1&b=2", "disabled": True,
                                   "hidden": False}),
        required=False,
    )  # fmt: skip


def pairs(form_class, data=None):
    """(field name, HTML by the templates, HTML by the project's renderer) for every field of a bound form."""
    by_template = form_class(data, renderer=TemplatesSetting())
    by_python = form_class(data, renderer=FormRenderer())
    if data is not None:
        by_template.is_valid(), by_python.is_valid()
    for name in by_template.fields:
        yield name, by_template[name].as_widget(), by_python[name].as_widget()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "grouped": "hp", "many": ["2", "2024"], "flag": "true", "safe_label": "s", "attrs": "1"},
        {"plain": "zzz", "grouped": "", "many": ["9"], "flag": "unknown"},
    ],
)
def test_python_select_is_the_template_select(data):
    rendered = list(pairs(Sample, data))
    assert len(rendered) == 6
    for name, by_template, by_python in rendered:
        assert by_python == by_template, name
    assert "selected" in "".join(by_python for _, _, by_python in pairs(Sample, {"plain": "a"}))


@pytest.mark.django_db
def test_model_choices_with_an_error_and_aria_attributes_render_the_same():
    class Units(forms.Form):
        province = forms.ModelChoiceField(
            queryset=Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True), help_text="Chọn tỉnh"
        )

    [(_, by_template, by_python)] = pairs(Units, {"province": "-1"})
    assert by_template.count("<option") == 35 and 'aria-invalid="true"' in by_template
    assert by_python == by_template
    assert isinstance(Units().renderer, FormRenderer)  # the setting


def test_other_templates_still_render_through_the_templates():
    html = Sample()["plain"].as_field_group()
    assert '<label class="form-label"' in html and '<select name="plain" class="form-select"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"item": ""}, {"item": "-1"}, "first"])
def test_name_choice_field_renders_and_cleans_as_a_model_choice_field(data, django_assert_num_queries):
    """Same options, same HTML, same cleaned instance, from one query of two columns (no join for the
    queryset's select_related, no instance per option)."""
    items = ContentItem.objects.select_related("group").order_by("name", "pk")
    if data == "first":
        data = {"item": str(items.first().pk)}

    def form(field_class):
        class Filter(forms.Form):
            item = field_class(queryset=items, required=False, empty_label="Tất cả")

        bound = Filter(data, renderer=FormRenderer())
        return bound, bound["item"].as_widget(), bound.is_valid() if data is not None else None

    model_form, model_html, model_valid = form(forms.ModelChoiceField)
    name_form, name_html, name_valid = form(NameChoiceField)
    assert name_html == model_html and name_valid == model_valid
    assert model_html.count("<option") == items.count() + 1 > 2
    if data and data["item"] not in ("", "-1"):
        assert name_form.cleaned_data["item"] == model_form.cleaned_data["item"] == items.first()
        assert "selected>" in name_html
    with django_assert_num_queries(1) as captured:  # what the widget does (list() would also COUNT for its length)
        options = [label for _value, label in NameChoiceField(queryset=items).choices]
    assert options[1:] == [item.name for item in items]
    assert " JOIN " not in captured.captured_queries[0]["sql"]
