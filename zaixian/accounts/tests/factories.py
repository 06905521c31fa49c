import factory
from django.utils import timezone

from zaixian.accounts.models import PublicProfile
from zaixian.core.rules import (
    credit_code_check_char,
    id_number_check_code,
    organisation_code_check_char,
)
from zaixian.core.tests.factories import UserFactory


def resident_id(n: int) -> str:
    """A valid resident ID number: 晋城市城区 (140502), a birth date, a sequence number."""
    body = f"140502{1960 + n % 40}{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return body + id_number_check_code(body)


def credit_code(n: int) -> str:
    """A valid unified social credit code of a company registered in 晋城市 (140500)."""
    organisation = f"MA{n:06d}"
    first17 = "91140500" + organisation + organisation_code_check_char(organisation)
    return first17 + credit_code_check_char(first17)


class PublicProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicProfile

    class Params:
        verified = True

    kind = PublicProfile.Kind.CITIZEN
    real_name = factory.LazyAttributeSequence(
        lambda o, n: f"王小{n}" if o.kind == PublicProfile.Kind.CITIZEN else ""
    )
    resident_id = factory.LazyAttributeSequence(
        lambda o, n: resident_id(n) if o.kind == PublicProfile.Kind.CITIZEN else ""
    )
    organisation_name = factory.LazyAttributeSequence(
        lambda o, n: f"晋城市测试{n}有限公司" if o.kind == PublicProfile.Kind.ORGANISATION else ""
    )
    credit_code = factory.LazyAttributeSequence(
        lambda o, n: credit_code(n) if o.kind == PublicProfile.Kind.ORGANISATION else ""
    )
    legal_representative = factory.LazyAttribute(
        lambda o: "李四" if o.kind == PublicProfile.Kind.ORGANISATION else ""
    )
    mobile_phone = factory.LazyAttribute(lambda o: o.user.phone)
    email = factory.LazyAttribute(lambda o: o.user.email)
    phone_verified_at = factory.Maybe(
        "verified", yes_declaration=factory.LazyFunction(timezone.now), no_declaration=None
    )


class PublicUserFactory(UserFactory):
    """A citizen's (default, or ``citizen=True``) or an organisation's
    (``organisation=True``) account with its profile; ``verified=False`` for one that has not
    confirmed its phone or e-mail yet (inactive)."""

    class Params:
        citizen = factory.Trait(profile_kind=PublicProfile.Kind.CITIZEN)
        organisation = factory.Trait(profile_kind=PublicProfile.Kind.ORGANISATION)
        profile_kind = PublicProfile.Kind.CITIZEN
        verified = True

    username = factory.Sequence(lambda n: f"public{n}")
    email = factory.Sequence(lambda n: f"public{n}@example.cn")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    is_active = factory.SelfAttribute("verified")
    is_staff = False
    department = None

    profile = factory.RelatedFactory(
        PublicProfileFactory,
        factory_related_name="user",
        kind=factory.SelfAttribute("..profile_kind"),
        verified=factory.SelfAttribute("..verified"),
    )
