from datetime import timedelta

import factory
from django.utils import timezone

from articles.models import Author, Column, Theme
from reactions.models import Reaction
from subscriptions.models import Subscriber, Subscription


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Auteur {n}")
    slug = factory.Sequence(lambda n: f"auteur-{n}")
    role = "adviseur"
    bio = "Schrijft over klanten en medewerkers."


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    description = "Een thema."


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Column nummer {n}")
    slug = factory.Sequence(lambda n: f"column-{n}")
    lead = "Een korte inleiding over de klant."
    body = "## Tussenkop\n\nDe klant staat centraal. " * 20
    author = factory.SubFactory(AuthorFactory)
    status = Column.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    class Params:
        draft = factory.Trait(status=Column.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
        )


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    column = factory.SubFactory(ColumnFactory)
    name = factory.Sequence(lambda n: f"Lezer {n}")
    email = factory.Sequence(lambda n: f"lezer{n}@example.nl")
    body = factory.Sequence(lambda n: f"Mooie column, reactie nummer {n}.")
    status = Reaction.Status.APPROVED


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"volger{n}@example.nl")
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed weekly subscription to all new columns, three days old."""

    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    kind = Subscription.Kind.ALL
    frequency = Subscription.Frequency.WEEKLY
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
