import factory
from factory.django import DjangoModelFactory

from apps.notes.models import Note
from tests.users.factories import UserFactory


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"note {n}")
