"""The reader's reaction form, with its signed, time-limited form token."""

import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing

from ops import holes

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
    served from the page cache ({% per_request "reaction_form_token" column.pk %}).
    A random nonce keeps two readers served in the same millisecond apart."""
    payload = {"column": column_id, "issued": round(time.time(), 3), "nonce": secrets.token_hex(4)}
    return signing.dumps(payload, salt=TOKEN_SALT)


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
    # The trap: hidden from people by the stylesheet, filled in by robots.
    homepage = forms.CharField(
        label="Laat dit veld leeg",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

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
            payload = signing.loads(
                self.data.get("token", ""),
                salt=TOKEN_SALT,
                max_age=settings.REACTIONS_FORM_MAX_AGE,
            )
            column_pk, issued = int(payload["column"]), float(payload["issued"])
            if time.time() - issued > settings.REACTIONS_FORM_MAX_AGE:
                raise signing.SignatureExpired("The form was issued too long ago.")
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            # Expired, tampered with or missing: a fresh form, the text kept.
            raise forms.ValidationError(EXPIRED_MESSAGE, code="expired") from None
        if column_pk != self.column.pk:
            raise forms.ValidationError(WRONG_COLUMN_MESSAGE, code="wrong_column")
        if cleaned.get("homepage"):
            self.robot = "honeypot filled"
        elif time.time() - issued < settings.REACTIONS_MIN_FORM_SECONDS:
            self.robot = "sent too fast"
        if self.robot:
            raise forms.ValidationError(ROBOT_MESSAGE, code="robot")
        return cleaned
