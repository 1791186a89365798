"""The reader's form to follow a theme, an author or all new columns."""

from django import forms
from django.conf import settings

from articles.models import Author, Column, Theme
from ops import formguard, holes

from .models import Subscription

TOKEN_SALT = "subscriptions.form-token"
EXPIRED_MESSAGE = "Dit formulier was verlopen. Vul het opnieuw in en verstuur het nog een keer."
ROBOT_MESSAGE = (
    "Het formulier werd wel erg snel verstuurd. Controleer wat je invulde en verstuur het "
    "nog een keer."
)


@holes.register("subscribe_form_token")
def make_form_token(request):
    """When the form was shown, signed; a per-request value, also on cached pages."""
    return formguard.issue_token(salt=TOKEN_SALT)


def public_themes():
    return Theme.objects.public().order_by("name")


def public_authors():
    return Author.objects.filter(pk__in=Column.objects.published().values("author")).order_by(
        "name"
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Je e-mailadres",
        max_length=254,
        error_messages={
            "required": "Vul je e-mailadres in.",
            "invalid": "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.",
            "max_length": "Je e-mailadres is te lang.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # "alles", "thema:<slug>" or "auteur:<slug>"; a select on the general page, a
    # hidden field on a theme or author page.
    subject = forms.CharField(
        label="Wat wil je volgen?",
        max_length=220,
        error_messages={"required": "Kies wat je wilt volgen."},
    )
    frequency = forms.ChoiceField(
        label="Hoe vaak?",
        choices=[
            (Subscription.Frequency.DAILY, "Dagelijks, als er iets nieuws is"),
            (Subscription.Frequency.WEEKLY, "Eén keer per week"),
        ],
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Kies hoe vaak je mail wilt krijgen.",
            "invalid_choice": "Kies dagelijks of wekelijks.",
        },
    )
    homepage = formguard.honeypot_field()
    token = formguard.token_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "volg-%s")
        super().__init__(*args, **kwargs)
        self.robot = ""

    def clean_subject(self):
        """(kind, theme, author) for what the reader chose; only what the public sees."""
        value = self.cleaned_data["subject"].strip()
        if value == "alles":
            return Subscription.Kind.ALL, None, None
        prefix, _, slug = value.partition(":")
        if prefix == "thema":
            theme = public_themes().filter(slug=slug).first()
            if theme:
                return Subscription.Kind.THEME, theme, None
        elif prefix == "auteur":
            author = public_authors().filter(slug=slug).first()
            if author:
                return Subscription.Kind.AUTHOR, None, author
        raise forms.ValidationError("Dit thema of deze auteur bestaat niet (meer). Kies opnieuw.")

    def clean(self):
        """The form token must not be expired (else the form again); a filled honeypot
        or a form sent back too fast is a robot's."""
        cleaned = super().clean()
        try:
            token = formguard.read_token(
                self.data.get("token", ""),
                salt=TOKEN_SALT,
                max_age=settings.SUBSCRIPTIONS_FORM_MAX_AGE,
            )
        except formguard.InvalidToken:
            raise forms.ValidationError(EXPIRED_MESSAGE, code="expired") from None
        self.robot = formguard.robot_reason(
            honeypot=cleaned.get("homepage"),
            issued=token["issued"],
            min_seconds=settings.SUBSCRIPTIONS_MIN_FORM_SECONDS,
        )
        if self.robot:
            raise forms.ValidationError(ROBOT_MESSAGE, code="robot")
        return cleaned


class ManageForm(forms.Form):
    """One row per subscription on the manage page: how often, or stop."""

    def __init__(self, *args, subscriptions, **kwargs):
        kwargs.setdefault("auto_id", "beheer-%s")
        super().__init__(*args, **kwargs)
        self.subscriptions = list(subscriptions)
        for subscription in self.subscriptions:
            if subscription.kind != Subscription.Kind.REPLIES:
                self.fields[f"frequency_{subscription.pk}"] = forms.ChoiceField(
                    label=f"Hoe vaak: {subscription.description}",
                    choices=[
                        (Subscription.Frequency.DAILY, "Dagelijks"),
                        (Subscription.Frequency.WEEKLY, "Wekelijks"),
                    ],
                    initial=subscription.frequency,
                    error_messages={"invalid_choice": "Kies dagelijks of wekelijks."},
                )
            self.fields[f"stop_{subscription.pk}"] = forms.BooleanField(
                label=f"Stoppen met {subscription.description}", required=False
            )

    def rows(self):
        for subscription in self.subscriptions:
            frequency = self.fields.get(f"frequency_{subscription.pk}")
            yield {
                "subscription": subscription,
                "frequency": self[f"frequency_{subscription.pk}"] if frequency else None,
                "stop": self[f"stop_{subscription.pk}"],
            }
