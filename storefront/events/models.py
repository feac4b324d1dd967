"""Events the distributor holds in each country, and the people registered for them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES

# An event's times are entered and shown in the local time of its country.
COUNTRY_TIMEZONES: dict[str, str] = {
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "CR": "America/Costa_Rica",
    "EC": "America/Guayaquil",
    "GT": "America/Guatemala",
    "JM": "America/Jamaica",
    "MX": "America/Mexico_City",
    "PA": "America/Panama",
    "PE": "America/Lima",
    "SV": "America/El_Salvador",
    "US": "America/New_York",
    "UY": "America/Montevideo",
}


def country_timezone(country: str) -> ZoneInfo:
    """The time zone an event in that country is entered and shown in."""
    return ZoneInfo(COUNTRY_TIMEZONES.get(country, "UTC"))


class Event(models.Model):
    """A training, launch or conference in one country, in person, online or both."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Local time of the event's country."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("Local time of the event's country."))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("The venue and its address."))
    city = models.CharField(_("city"), max_length=100, blank=True)
    online_url = models.URLField(_("online URL"), blank=True, help_text=_("Where an online event is followed."))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats; leave empty for no limit.")
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["country", "published", "starts_at"], name="event_country_upcoming")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_message=_("The capacity must be at least 1, or empty for no limit."),
            ),
            models.CheckConstraint(
                condition=~models.Q(city="") | ~models.Q(online_url=""),
                name="event_has_a_city_or_online_url",
                violation_error_message=_("Give the city of the event, its online URL, or both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.country}, {self.starts_at:%Y-%m-%d})"

    @property
    def timezone(self) -> ZoneInfo:
        return country_timezone(self.country)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def has_started(self) -> bool:
        return django_timezone.now() >= self.starts_at

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def seats_left(self) -> int | None:
        """Seats not yet taken, or None without a capacity (uses the selectors' `taken` when present)."""
        if self.capacity is None:
            return None
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.registrations.count()
        return max(self.capacity - taken, 0)


class Registration(models.Model):
    """One person registered for an event: a customer's contact (linked) or anyone else (a form)."""

    class Kind(models.TextChoices):
        CUSTOMER_CONTACT = "customer_contact", _("Customer's contact")
        NOT_CUSTOMER = "not_customer", _("Not a customer's contact")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    kind = models.CharField(_("registered as"), max_length=20, choices=Kind.choices)
    contact = models.ForeignKey(
        "accounts.Contact", verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    company = models.CharField(_("company"), max_length=200)
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            # The last word on double registrations, when two arrive at once.
            models.UniqueConstraint(
                models.F("event"),
                Lower("email"),
                name="registration_one_per_event_and_email",
                violation_error_message=_("This email is already registered for this event."),
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=models.Q(contact__isnull=False),
                name="registration_one_per_event_and_contact",
                violation_error_message=_("This contact is already registered for this event."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
