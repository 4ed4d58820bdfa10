import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from programmes.models import Membership, Organisation, Programme, Role, Stakeholder, StakeholderGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", "Geheim-Passwort-123")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"musterstadt-{n}")
    region = "Nordrhein-Westfalen"
    size_class = Organisation.SizeClass.MEDIUM_TOWN


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Digitale Innenstadt {n}")
    slug = factory.Sequence(lambda n: f"digitale-innenstadt-{n}")
    summary = "Die Innenstadt soll für Besucherinnen und Besucher digital erlebbar werden."
    target_groups = ["buerger", "touristen"]


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Faker("company", locale="de_DE")
    group = StakeholderGroup.BUSINESS
    influence = 3
    interest = 4
