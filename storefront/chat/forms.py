from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from storefront.chat.services import MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH
from storefront.validators import validate_multiline, validate_single_line


def _text_field(label) -> forms.CharField:
    # No max_length here: the service refuses a long message with its own message (how long it was).
    return forms.CharField(
        label=label,
        strip=True,
        validators=[validate_multiline],
        error_messages={"required": _("Write a message before sending it.")},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MESSAGE_LENGTH}),
    )


class MessageForm(forms.Form):
    """The message box of a conversation."""

    text = _text_field(_("Message"))

    def __init__(self, *args, autofocus: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if autofocus:
            # After "Send" the box comes back empty; htmx puts the cursor back in it.
            self.fields["text"].widget.attrs["autofocus"] = True


class ContactStartForm(forms.Form):
    """"Click to start chat" for a signed-in contact: its name, email and account are known."""

    text = _text_field(_("How can we help you?"))


class VisitorStartForm(forms.Form):
    """"Click to start chat" for a visitor: who it is, then the first message."""

    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH, validators=[validate_single_line])
    email = forms.EmailField(label=_("Email"), validators=[validate_single_line])
    text = _text_field(_("How can we help you?"))

    field_order = ["name", "email", "text"]
