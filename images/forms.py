from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .models import Image
from .validation import clean_upload

ALT_TEXT_GUIDANCE = """
<p>De alt-tekst lezen mensen die het beeld niet zien: met een schermlezer, of als het beeld
niet laadt. Zoekmachines lezen hem ook.</p>
<ul>
  <li>Beschrijf wat de lezer in déze column aan het beeld moet zien, in één zin van
  hooguit ongeveer 125 tekens.</li>
  <li>Begin niet met ‘foto van’ of ‘afbeelding van’: dat zegt de schermlezer al.</li>
  <li>Staat er tekst in het beeld, neem die dan over.</li>
  <li>Herhaal het onderschrift niet; de maker hoort bij ‘Maker of bron’.</li>
</ul>
<p>Voorbeeld: <em>Een medewerker aan de balie luistert naar een klant met een
wandelstok.</em></p>
"""


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        label="Bestand",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit"]
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 80}),
            "caption": forms.TextInput(attrs={"size": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        adding = self.instance.pk is None
        self.fields["upload"].required = adding
        self.fields["upload"].label = "Bestand" if adding else "Ander bestand"
        self.fields["upload"].help_text = (
            f"JPEG, PNG of WebP, hooguit {filesizeformat(settings.IMAGES_MAX_BYTES)}. "
            "Locatie en andere gegevens uit de camera worden verwijderd."
            + ("" if adding else " Laat leeg om het huidige beeld te houden.")
        )
        self.clean_image = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.clean_image = clean_upload(upload)
        return upload
