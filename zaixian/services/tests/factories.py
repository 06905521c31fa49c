"""Factories of the service hall, named after the states people talk about:
``ServiceItemFactory(with_form=True)``, ``ApplicationFactory(submitted=True)``."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from zaixian.accounts.tests.factories import PublicUserFactory
from zaixian.core.tests.factories import DepartmentFactory
from zaixian.services.models import (
    Application,
    LifeEvent,
    ServiceFAQ,
    ServiceFormField,
    ServiceItem,
    ServiceMaterial,
    ServiceTopic,
)

# The smallest real PDF that the content check accepts.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
# What a Windows program starts with: refused whatever its name says.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf_upload(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def exe_renamed_pdf(name="营业执照.pdf"):
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/pdf")


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent
        django_get_or_create = ("slug",)

    name = "开办企业"
    slug = "start-business"
    audience = "business"


class ServiceTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceTopic
        django_get_or_create = ("slug",)

    name = "市场监管"
    slug = "market"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """A published licence item that accepts online applications. ``with_form=True`` adds
    an application form (name, ID number, phone, address, a choice) and one required
    material; ``information_only=True`` an item that cannot be applied for online."""

    class Meta:
        model = ServiceItem
        skip_postgeneration_save = True

    class Params:
        information_only = factory.Trait(online_depth=ServiceItem.OnlineDepth.INFORMATION)
        with_form = factory.Trait(
            field_name=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceFormFieldFactory",
                factory_related_name="item",
                key="name",
                label="申请人姓名",
                field_type=ServiceFormField.FieldType.TEXT,
                is_personal=True,
                sort_order=0,
            ),
            field_id=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceFormFieldFactory",
                factory_related_name="item",
                key="id_number",
                label="身份证号",
                field_type=ServiceFormField.FieldType.ID_NUMBER,
                sort_order=1,
            ),
            field_phone=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceFormFieldFactory",
                factory_related_name="item",
                key="phone",
                label="联系电话",
                field_type=ServiceFormField.FieldType.PHONE,
                sort_order=2,
            ),
            field_address=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceFormFieldFactory",
                factory_related_name="item",
                key="address",
                label="经营场所",
                field_type=ServiceFormField.FieldType.ADDRESS,
                sort_order=3,
            ),
            field_scope=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceFormFieldFactory",
                factory_related_name="item",
                key="scope",
                label="经营类别",
                field_type=ServiceFormField.FieldType.CHOICE,
                choices="预包装食品销售\n散装食品销售",
                sort_order=4,
            ),
            material=factory.RelatedFactory(
                "zaixian.services.tests.factories.ServiceMaterialFactory",
                factory_related_name="item",
                name="营业执照复印件",
            ),
        )

    code = factory.Sequence(lambda n: f"11140500MB{n:06d}")
    name = factory.Sequence(lambda n: f"食品经营许可{n}")
    department = factory.SubFactory(DepartmentFactory)
    kind = ServiceItem.Kind.LICENCE
    for_citizens = True
    for_businesses = True
    summary = "食品经营许可证的核发"
    legal_basis = "《中华人民共和国食品安全法》第三十五条"
    conditions = "有与经营的食品品种、数量相适应的经营场所"
    fees = ""
    statutory_days = 20
    promised_days = 10
    online_depth = ServiceItem.OnlineDepth.FULLY_ONLINE
    visits_needed = 0
    venue = "市民之家二楼 B12 窗口"
    office_hours = "工作日 9:00-12:00，13:30-17:00"
    consultation_phone = "0356-12345"
    complaint_phone = "0356-12315"


class ServiceMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceMaterial

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    is_required = True
    copies = 1


class ServiceFormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFormField

    item = factory.SubFactory(ServiceItemFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    field_type = ServiceFormField.FieldType.TEXT
    is_required = True


class ServiceFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFAQ

    item = factory.SubFactory(ServiceItemFactory)
    question = "办理需要多长时间？"
    answer = "承诺时限为10个工作日。"


def valid_form_data():
    """Data that passes the form of ``ServiceItemFactory(with_form=True)``."""
    from zaixian.accounts.tests.factories import resident_id

    return {
        "name": "王小明",
        "id_number": resident_id(7),
        "phone": "13912345678",
        "address": "晋城市城区凤台东街100号",
        "scope": "预包装食品销售",
    }


def _upload_materials(obj, create, extracted, **kwargs):
    from zaixian.services import actions

    if create:
        for material in obj.item.materials.all():
            actions.add_application_material(
                application=obj, actor=obj.applicant, upload=pdf_upload(), material=material
            )


def _submit(obj, create, extracted, **kwargs):
    from zaixian.services import actions

    if create:
        actions.submit_application(application=obj, actor=obj.applicant)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft of a citizen's application for an item with a form; ``complete=True`` fills
    the form and uploads the materials; ``submitted=True`` also submits it through
    ``actions.submit_application`` (so it has a real case in state ``submitted``)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        submitted = False
        complete = factory.SelfAttribute("submitted")

    item = factory.SubFactory(ServiceItemFactory, with_form=True)
    applicant = factory.SubFactory(PublicUserFactory)
    form_data = factory.Maybe(
        "complete", factory.LazyFunction(valid_form_data), factory.LazyFunction(dict)
    )
    upload_materials = factory.Maybe("complete", factory.PostGeneration(_upload_materials))
    submit = factory.Maybe("submitted", factory.PostGeneration(_submit))
