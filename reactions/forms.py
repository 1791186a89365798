"""The reader's reaction form, with its signed, time-limited form token."""

from django import forms
from django.conf import settings

from ops import formguard, holes

from .models import Reaction

TOKEN_SALT = "articles.reactions.form-token"

EXPIRED_MESSAGE = (
    "Dit formulier was verlopen, daarom is je reactie nog niet geplaatst. "
    "Je tekst staat er nog: verstuur hem opnieuw."
)
WRONG_COLUMN_MESSAGE = (
    "Dit formulier hoort bij een andere column. Je tekst staat er nog: verstuur hem opnieuw."
)
ROBOT_MESSAGE = (
    "Je reactie is niet geplaatst: het formulier werd wel erg snel verstuurd. "
    "Controleer je reactie en verstuur hem nog een keer."
)


@holes.register("reaction_form_token")
def make_form_token(request, column_id):
    """A signed token (JSON, not pickle) naming the column and when the form was shown.

    A per-request value: it is issued afresh for every reader, also on a column page
    served from the page cache ({% per_request "reaction_form_token" column.pk %})."""
    return formguard.issue_token(salt=TOKEN_SALT, column=column_id)


class PlainTextField(forms.CharField):
    """Browsers send line breaks as CRLF but count them as one character for
    maxlength; count them as the reader's browser does."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ReactionForm(forms.Form):
    name = forms.CharField(
        label="Naam",
        max_length=80,
        error_messages={
            "required": "Vul je naam in.",
            "max_length": "Je naam mag hoogstens %(limit_value)d tekens lang zijn "
            "(nu %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        error_messages={
            "required": "Vul je e-mailadres in.",
            "invalid": "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.",
            "max_length": "Je e-mailadres is te lang.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = PlainTextField(
        label="Reactie",
        max_length=5000,
        strip=True,
        error_messages={
            "required": "Schrijf je reactie.",
            "max_length": "Je reactie mag hoogstens %(limit_value)d tekens lang zijn "
            "(nu %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    remember = forms.BooleanField(label="Onthoud mijn naam en e-mail", required=False)
    # Handled by whoever listens to signals.reply_notification_requested (subscriptions).
    notify_replies = forms.BooleanField(
        label="Mail me bij een antwoord op mijn reactie", required=False
    )
    homepage = formguard.honeypot_field()
    token = formguard.token_field()

    def __init__(self, *args, column, **kwargs):
        kwargs.setdefault("auto_id", "veld-%s")
        super().__init__(*args, **kwargs)
        self.column = column
        # Why the form was taken for a robot's ("" when it was not), for the log.
        self.robot = ""

    def clean_parent(self):
        """The reaction answered: an approved one under this column. A reply to a
        reply answers its parent: replies nest one level."""
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = (
            Reaction.objects.approved()
            .filter(column=self.column, pk=parent_id)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "De reactie waarop je antwoordt bestaat niet (meer). "
                "Je kunt je tekst als gewone reactie plaatsen."
            )
        return parent.parent or parent

    def clean(self):
        """The form token must be this column's and not expired (else a fresh form,
        the text kept); a filled honeypot or a form sent back too fast is a robot's."""
        cleaned = super().clean()
        try:
            token = formguard.read_token(
                self.data.get("token", ""),
                salt=TOKEN_SALT,
                max_age=settings.REACTIONS_FORM_MAX_AGE,
            )
            column_pk = int(token["column"])
        except (formguard.InvalidToken, KeyError, TypeError, ValueError):
            # Expired, tampered with or missing: a fresh form, the text kept.
            raise forms.ValidationError(EXPIRED_MESSAGE, code="expired") from None
        if column_pk != self.column.pk:
            raise forms.ValidationError(WRONG_COLUMN_MESSAGE, code="wrong_column")
        self.robot = formguard.robot_reason(
            honeypot=cleaned.get("homepage"),
            issued=token["issued"],
            min_seconds=settings.REACTIONS_MIN_FORM_SECONDS,
        )
        if self.robot:
            raise forms.ValidationError(ROBOT_MESSAGE, code="robot")
        return cleaned
