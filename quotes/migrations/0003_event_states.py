"""Quote events record the state of the quote's PDF before and after, like the other histories.

The existing rows are filled in from what the history itself knew: a quote is made with no PDF
("created": from nothing to "none"), only "PDF requested" moved the state, and that event told its
move in its note ("none → queued"), which becomes its columns (the note, which said nothing else, is
emptied). Every other event is given the state the last request left (or "none" before any request),
as both from and to: the worker's later moves (building, ready, failed) were never recorded, so that
is the last state the history knew of.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ARROW = " → "
PDF_STATES = {"none", "queued", "running", "ready", "failed"}
BATCH = 1000


def _parsed(note: str) -> tuple[str, str] | None:
    from_state, arrow, to_state = note.partition(ARROW)
    if arrow and from_state in PDF_STATES and to_state in PDF_STATES:
        return from_state, to_state
    return None


def states_from_history(apps, schema_editor):
    QuoteEvent = apps.get_model("quotes", "QuoteEvent")
    changed = []
    quote_id, state = None, "none"
    for event in QuoteEvent.objects.order_by("quote_id", "at", "id").iterator(chunk_size=BATCH):
        if event.quote_id != quote_id:
            quote_id, state = event.quote_id, "none"
        if event.action == "created":
            event.from_state, event.to_state = "", "none"
            state = "none"
        elif event.action == "PDF requested" and (move := _parsed(event.note)):
            event.from_state, event.to_state = move
            event.note = ""
            state = event.to_state
        else:
            event.from_state = event.to_state = state
        changed.append(event)
        if len(changed) >= BATCH:
            QuoteEvent.objects.bulk_update(changed, ["from_state", "to_state", "note"])
            changed = []
    if changed:
        QuoteEvent.objects.bulk_update(changed, ["from_state", "to_state", "note"])


def states_back_into_notes(apps, schema_editor):
    QuoteEvent = apps.get_model("quotes", "QuoteEvent")
    for event in QuoteEvent.objects.filter(action="PDF requested", note="").exclude(to_state="").iterator(chunk_size=BATCH):
        QuoteEvent.objects.filter(pk=event.pk).update(note=f"{event.from_state}{ARROW}{event.to_state}")


class Migration(migrations.Migration):

    dependencies = [
        ("quotes", "0002_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="quoteevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="from"),
        ),
        migrations.AddField(
            model_name="quoteevent",
            name="to_state",
            field=models.CharField(default="", max_length=16, verbose_name="to"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="quoteevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("moved from the cart", "Moved from the cart"),
                    ("activated", "Activated"),
                    ("saved", "Saved"),
                    ("moved to the cart", "Moved to the cart"),
                    ("PDF requested", "PDF requested"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="quoteevent",
            name="actor",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(states_from_history, states_back_into_notes),
    ]
