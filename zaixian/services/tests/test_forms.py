import pytest

from zaixian.accounts.tests.factories import credit_code, resident_id
from zaixian.services.forms import ApplicationForm, CatalogueFilterForm, TrackingForm
from zaixian.services.models import ServiceFormField
from zaixian.services.tests.factories import (
    ServiceFormFieldFactory,
    ServiceItemFactory,
    exe_renamed_pdf,
    pdf_upload,
    valid_form_data,
)

pytestmark = pytest.mark.django_db
FieldType = ServiceFormField.FieldType


def test_valid_data_passes_and_serialises(item):
    form = ApplicationForm(item=item, data=valid_form_data())

    assert form.is_valid(), form.errors
    assert form.json_data()["scope"] == "预包装食品销售"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id_number", "140502199001011234"),  # wrong check digit
        ("id_number", "14050219900101123"),  # 17 characters
        ("phone", "12345678901"),
        ("phone", "1391234567"),
        ("scope", "不在选项中"),
        ("name", ""),
    ],
)
def test_invalid_values_are_refused(item, key, value):
    form = ApplicationForm(item=item, data={**valid_form_data(), key: value})

    assert not form.is_valid()
    assert set(form.errors) == {key}


def test_each_field_type_validates_and_serialises():
    item = ServiceItemFactory()
    specs = {
        "amount": FieldType.NUMBER,
        "when": FieldType.DATE,
        "code": FieldType.CREDIT_CODE,
        "notes": FieldType.TEXTAREA,
    }
    for key, kind in specs.items():
        ServiceFormFieldFactory(item=item, key=key, field_type=kind)

    form = ApplicationForm(
        item=item,
        data={
            "amount": "12.50",
            "when": "2026-12-01",
            "code": credit_code(3).lower(),
            "notes": "x",
        },
    )

    assert form.is_valid(), form.errors
    assert form.json_data() == {
        "amount": "12.5",
        "when": "2026-12-01",
        "code": credit_code(3),
        "notes": "x",
    }


def test_resident_id_is_upper_cased():
    item = ServiceItemFactory()
    ServiceFormFieldFactory(item=item, key="id", field_type=FieldType.ID_NUMBER)
    number = next(resident_id(n) for n in range(100) if resident_id(n).endswith("X"))

    form = ApplicationForm(item=item, data={"id": number.lower()})

    assert form.is_valid(), form.errors
    assert form.json_data()["id"] == number


def test_file_field_checks_content():
    item = ServiceItemFactory()
    ServiceFormFieldFactory(item=item, key="photo", field_type=FieldType.FILE)

    good = ApplicationForm(item=item, data={}, files={"photo": pdf_upload()})
    bad = ApplicationForm(item=item, data={}, files={"photo": exe_renamed_pdf()})

    assert good.is_valid(), good.errors
    assert not bad.is_valid()
    assert bad.errors.as_data()["photo"][0].code == "file_content"


def test_required_file_field_satisfied_by_an_earlier_upload():
    item = ServiceItemFactory()
    ServiceFormFieldFactory(item=item, key="photo", field_type=FieldType.FILE)

    assert not ApplicationForm(item=item, data={}).is_valid()
    assert ApplicationForm(item=item, data={}, uploaded_keys={"photo"}).is_valid()


def test_tracking_form_wants_four_digits():
    assert not TrackingForm(data={"tracking_number": "X", "phone_last4": "12a4"}).is_valid()
    assert not TrackingForm(data={"tracking_number": "X", "phone_last4": "123"}).is_valid()
    assert TrackingForm(data={"tracking_number": "X", "phone_last4": "1234"}).is_valid()


def test_catalogue_filter_keeps_valid_filters_and_drops_unknown_ones(item):
    form = CatalogueFilterForm(data={"q": "食品", "life_event": "nope", "kind": "licence"})

    filters = form.filters()

    assert filters["search"] == "食品"
    assert filters["kind"] == "licence"
    assert filters["life_event"] is None
