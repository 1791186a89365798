"""The column form's theme field in the admin: pick existing themes, add new ones.

The admin's own select2 autocomplete (django.contrib.admin) fetches the existing
themes from its autocomplete view (ThemeAdmin.search_fields); the small
static/kb-admin/theme-field.js sets it up so an editor can also type a theme that
does not exist yet. Every value is a theme's name, existing or new: no quotes, no
ids that a numeric name could be mistaken for.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

from .models import Theme

NAME_LENGTH = Theme._meta.get_field("name").max_length


def theme_name(text):
    """A theme's name as the site writes it: lower case, single spaces."""
    return " ".join(text.split()).lower()


class ThemeSelect(AutocompleteSelectMultiple):
    """Django's autocomplete of the `themes` field, whose options are theme names.

    Its class is not "admin-autocomplete", so Django's autocomplete.js leaves it to
    theme-field.js, which allows new themes."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "theme-autocomplete")
        return attrs

    def optgroups(self, name, value, attr=None):
        """The chosen themes, by name; the rest comes from the autocomplete."""
        options = [
            self.create_option(name, theme, theme, True, index) for index, theme in enumerate(value)
        ]
        return [(None, options, 0)]

    @property
    def media(self):
        # After jquery.init.js, which defines the django.jQuery it uses.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "kb-admin/theme-field.js"]
        )


class ThemesField(forms.Field):
    """The names of a column's themes; new names become new themes when the column
    is saved (taggit, case-insensitive: "Klant Centraal" is "klant centraal")."""

    default_error_messages = {
        "no_letters": "Het thema ‘%(name)s’ heeft geen letters of cijfers.",
        "too_long": "Een thema is hoogstens %(limit)d tekens lang; ‘%(name)s…’ is langer.",
    }

    def __init__(self, *, widget, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(widget=widget, **kwargs)

    def prepare_value(self, value):
        """The names sent back, as they were; or the column's themes (the initial
        value), alphabetically as everywhere."""
        if value and isinstance(value[0], Theme):
            return sorted(theme.name for theme in value)
        return value or []

    def to_python(self, value):
        """Lower-case names, each once, in the order given; commas also separate."""
        names = []
        for text in value or []:
            for part in str(text).split(","):
                name = theme_name(part)
                if name and name not in names:
                    names.append(name)
        return names

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > NAME_LENGTH:
                raise ValidationError(
                    self.error_messages["too_long"],
                    code="too_long",
                    params={"limit": NAME_LENGTH, "name": name[:30]},
                )
            if not Theme().slugify(name):
                raise ValidationError(
                    self.error_messages["no_letters"], code="no_letters", params={"name": name}
                )

    def has_changed(self, initial, data):
        return set(self.to_python(self.prepare_value(initial))) != set(self.to_python(data))
