"""How text that people type is read: the one home of which characters are accepted and
of how names are normalised and compared.

Control, format (zero-width, bidirectional), surrogate and private-use characters are
refused everywhere (query parameters, forms, the API, imports), except line breaks and
tabs in text of several lines. Names are stored normalised (Unicode NFC, surrounding
spaces removed, runs of spaces made one) and compared by their key: the normalised
name in compatibility form (NFKC: full-width letters read as the ASCII ones), case-folded.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
LINE_BREAKS = frozenset("\n\r\t")
# Spaces of any width; not the control characters that str.isspace() also counts
# (a tab or a line break in a name is refused, not turned into a space).
SPACES = re.compile(r"[^\S\x00-\x1f\x7f-\x9f]+")
# A key is longer than its name where NFKC expands a character (up to 18 for U+FDFA);
# names alike in their first KEY_LENGTH key characters count as the same.
KEY_LENGTH = 600


def refused_character(value: str, *, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first refused character of `value` not in `allowed`, written U+XXXX with its
    Unicode name where it has one, or None."""
    for character in value:
        if character not in allowed and unicodedata.category(character) in REFUSED_CATEGORIES:
            name = unicodedata.name(character, "")
            return f"U+{ord(character):04X} {name}".rstrip()
    return None


def _refuse(character: str) -> None:
    raise ValidationError(
        _("Remove the character %(character)s: control, invisible and direction-changing "
          "characters are not accepted."),
        code="control",
        params={"character": character},
    )  # fmt: skip


def validate_line(value) -> None:
    """Refuse text of one line (a name, a source, a query parameter) holding a control,
    format, surrogate or private-use character."""
    if isinstance(value, str) and (character := refused_character(value)):
        _refuse(character)


def validate_lines(value) -> None:
    """As validate_line, for text of several lines: line breaks and tabs are accepted."""
    if isinstance(value, str) and (character := refused_character(value, allowed=LINE_BREAKS)):
        _refuse(character)


def name_normalise(value: str) -> str:
    """A name as it is stored: NFC, without surrounding spaces, runs of spaces made one."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip(" ")


def name_key(value: str) -> str:
    """What two names must share to be the same name: normalised, compatibility form,
    case-folded."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return name_normalise(folded)[:KEY_LENGTH]


class NameField(models.CharField):
    """Text of one line that people read as a name: stored normalised (name_normalise)
    whichever way it arrives, refused with a refused character (validate_line)."""

    default_validators = [validate_line]

    def to_python(self, value):
        value = super().to_python(value)
        return name_normalise(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


class NameKeyField(models.CharField):
    """The key (name_key) of the name in the field `of`, kept by every save."""

    def __init__(self, *args, of: str = "name", **kwargs):
        self.of = of
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.of != "name":
            kwargs["of"] = self.of
        if kwargs.get("max_length") == KEY_LENGTH:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def key_of(self, model_instance) -> str:
        """The key of the instance's name as it is now (the stored key follows on save)."""
        return name_key(getattr(model_instance, self.of) or "")

    def pre_save(self, model_instance, add):
        value = self.key_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value
