"""The project's renderer writes the field group, <select> and <input> in Python: it must give exactly the HTML
of the templates it replaces (templates/django/forms/field.html, widgets/select.html with Django's
select_option.html, widgets/input.html behind Django's text.html, date.html…), for every shape of field."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from khuyencong.core.forms import INPUT_TEMPLATES, FormRenderer, NameChoiceField
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


class EveryKind(forms.Form):
    """One field of every widget the project's forms use, with the shapes the field template branches on."""

    name = forms.CharField(label="Tên <cơ sở> & “hộ”", help_text="Gõ <b>không dấu</b> cũng được.", max_length=20)
    lazy = forms.CharField(
        label=gettext_lazy("Tìm kiếm"), required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    count = forms.IntegerField(label="Số lao động", min_value=0, required=False)
    share = forms.DecimalField(label="Tỷ lệ", required=False, localize=True)
    day = forms.DateField(label="Ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    at = forms.TimeField(label="Giờ", required=False)
    email = forms.EmailField(label="Email", required=False)
    site = forms.URLField(label="Trang web", required=False, assume_scheme="https")
    secret = forms.CharField(label="Mật khẩu", required=False, widget=forms.PasswordInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(label="Đồng ý", required=False, help_text="Đánh dấu nếu đồng ý")
    must = forms.BooleanField(label="Bắt buộc")
    unlabelled = forms.CharField(
        label="", required=False, widget=forms.TextInput(attrs={"class": "w-50", "data-x": '"q"'})
    )
    kind = forms.ChoiceField(label="Loại", choices=[("a", "A"), ("b", "B <b>")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Các loại", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    upload = forms.FileField(label="Tệp", required=False)
    colour = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "color", "disabled": True, "hidden": False})
    )
    phone = forms.CharField(
        label="Điện thoại", required=False, widget=forms.TextInput(attrs={"type": "tel", "required": True})
    )


GOOD = {
    "name": 'Cà phê "Ông Ba" <rang> & xay',
    "count": "12",
    "share": "1,5",
    "day": "2026-12-06",
    "moment": "2026-12-06 08:30",
    "at": "08:30",
    "email": "a@b.vn",
    "site": "x.vn",
    "secret": "s",
    "version": "3",
    "agree": "on",
    "must": "on",
    "unlabelled": "<&>",
    "kind": "b",
    "kinds": ["a", "b"],
    "note": "a\nb <i>",
    "colour": "#ff0000",
    "phone": "0912",
}
BAD = {
    "name": "x" * 30,
    "count": "-1",
    "share": "abc",
    "day": "32/13/2026",
    "moment": "hôm qua",
    "at": "25:99",
    "email": "không-phải-email",
    "site": "::",
    "version": "bốn",
    "kind": "z",
    "kinds": ["z"],
}
EVERY_KIND_DATA = [None, GOOD, BAD]  # fmt: skip


def group_pairs(form, data):
    by_template, by_python = form(data, renderer=TemplatesSetting()), form(data, renderer=FormRenderer())
    if data is not None:
        assert by_template.is_valid() == by_python.is_valid()
    return [(name, by_template[name].as_field_group(), by_python[name].as_field_group()) for name in by_template.fields]


@pytest.mark.parametrize("data", EVERY_KIND_DATA)
def test_python_field_groups_and_inputs_are_the_templates(data):
    rendered = group_pairs(EveryKind, data)
    assert len(rendered) == len(EveryKind.base_fields)
    for name, by_template, by_python in rendered:
        assert by_python == by_template, name
    html = "".join(by_python for _, _, by_python in rendered)
    assert "<fieldset" in html and 'class="form-check-input"' in html and 'type="date"' in html
    if data and data["count"] == "-1":  # every invalid field shows its message under it
        assert html.count('class="invalid-feedback d-block"') >= 10 and 'aria-invalid="true"' in html
    if data and data["count"] == "12":
        assert 'value="Cà phê &quot;Ông Ba&quot; &lt;rang&gt; &amp; xay"' in html and " checked" in html


def test_the_input_templates_replaced_are_only_an_include_of_input_html():
    """A Django upgrade that gives one of them its own markup must show up here, not on a page."""
    from django.template.loader import get_template

    for name in INPUT_TEMPLATES:
        source = get_template(name).template.source
        assert source == '{% include "django/forms/widgets/input.html" %}\n', name


def real_filter_forms(user, data, renderer) -> list[forms.Form]:
    from khuyencong.programmes import forms as programme_forms
    from khuyencong.programmes import selectors as programme_selectors
    from khuyencong.registry.forms import EstablishmentFilterForm

    made = [
        EstablishmentFilterForm(data, user=user, renderer=renderer),
        programme_forms.ProjectFilterForm(
            data, programmes=programme_selectors.programmes_visible_to(user), renderer=renderer
        ),
    ]
    for form in made:
        form.is_valid()
    return made


@pytest.mark.django_db
def test_the_real_filter_forms_render_the_same(personas):
    for user in (personas.central_officer, personas.province_a_officer):
        for data in (None, {"q": "gốm <sứ>", "province": "-5", "size_class": "micro", "year": "abc"}):
            by_templates = real_filter_forms(user, data, TemplatesSetting())
            by_python = real_filter_forms(user, data, FormRenderer())
            for by_template, python in zip(by_templates, by_python, strict=True):
                for name in by_template.fields:
                    assert python[name].as_field_group() == by_template[name].as_field_group(), name


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
