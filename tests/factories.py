"""factory_boy factories with Dutch fake data."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from zicht.accounts.constants import OrganisationType, Role
from zicht.accounts.models import Membership, Municipality, Organisation, User

PASSWORD = "Test-wachtwoord-123!"
PROFESSIONAL_FIRST_NAMES = ("Sanne", "Kees", "Lotte", "Daan", "Femke", "Bram", "Ilse", "Joost")
PROFESSIONAL_LAST_NAMES = ("Visser", "Bakker", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Dekker")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Professionals' names from a fixed list, never a name the tests use for a young
    # person: a random "Mohamed" greeted in a match e-mail read as the young person's
    # identity to the privacy checks (a flake of about 0.4% per run).
    first_name = factory.Iterator(PROFESSIONAL_FIRST_NAMES)
    last_name = factory.Iterator(PROFESSIONAL_LAST_NAMES)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = OrganisationType.POLICE
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="GM0599"))

    class Params:
        coordination = factory.Trait(type=OrganisationType.COORDINATION_CENTRE)
        youth_care = factory.Trait(type=OrganisationType.YOUTH_CARE)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "default"
    confirmed = True
