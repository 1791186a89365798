from django import forms
from django.core import signing

from .models import Vote

ANSWER_SALT = "feedback.answer"
# How long the "why not?" page after a "Nee" may still add a reason.
ANSWER_MAX_AGE = 24 * 3600


def answer_token(answer):
    return signing.dumps(answer.pk, salt=ANSWER_SALT)


class VoteForm(forms.Form):
    antwoord = forms.ChoiceField(
        choices=[("ja", "Ja"), ("nee", "Nee")],
        error_messages={
            "required": "Kies ja of nee.",
            "invalid_choice": "Kies ja of nee.",
        },
    )

    @property
    def useful(self):
        return self.cleaned_data["antwoord"] == "ja"


class ReasonForm(forms.Form):
    stem = forms.CharField(widget=forms.HiddenInput)
    reden = forms.ChoiceField(
        label="Wat was er mis?",
        choices=Vote.Reason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Kies een van de redenen, of geen."},
    )
    toelichting = forms.CharField(
        label="Toelichting (mag leeg blijven)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        error_messages={
            "max_length": "Je toelichting mag hoogstens %(limit_value)d tekens lang zijn "
            "(nu %(show_value)d).",
        },
    )

    def __init__(self, *args, column, **kwargs):
        super().__init__(*args, **kwargs)
        self.column = column

    def clean_stem(self):
        try:
            pk = signing.loads(self.cleaned_data["stem"], salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                "Deze pagina is verlopen; je antwoord is wel meegeteld. Dank je wel!"
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError("Dit formulier is niet geldig.") from error
        answer = Vote.objects.filter(pk=pk, column=self.column, useful=False).first()
        if answer is None:
            raise forms.ValidationError("Dit formulier hoort bij een ander antwoord.")
        return answer

    def clean_toelichting(self):
        return self.cleaned_data["toelichting"].replace("\r\n", "\n").strip()
