"""Notes the code writes on events are shown in the reader's language; people's reasons as typed."""

from __future__ import annotations

from django.utils import translation

from storefront.models import event_note_label


def test_a_note_the_code_wrote_is_translated_and_a_typed_reason_is_kept():
    assert event_note_label("special price requested") == "special price requested"
    assert event_note_label("Price too low for this end customer") == "Price too low for this end customer"
    assert event_note_label("invoiced INV-00000007") == "invoiced INV-00000007"
    assert event_note_label("cancelled; replaced by VL00000009") == "cancelled; replaced by VL00000009"


def test_in_spanish_the_notes_the_code_wrote_read_in_spanish():
    with translation.override("es"):
        assert event_note_label("special price requested") != "special price requested"
        assert event_note_label("invoiced INV-00000007").endswith("INV-00000007")
        assert not event_note_label("invoiced INV-00000007").startswith("invoiced")
