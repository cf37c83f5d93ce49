from __future__ import annotations

from django.contrib.auth.models import Group

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "Sandi-Uji-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-up person with a verified e-mail and the password PASSWORD.
    Pass roles=[Role.PENGELOLA_SDM, ...] to put them in groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pegawai{n}@uji.example")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=list(extracted)))
