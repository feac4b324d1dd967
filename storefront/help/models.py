"""The help centre's data: the FAQ, the new features, the distributor's locations, and the questions
visitors and contacts send through "Questions or Concerns"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES


def _language_field() -> models.CharField:
    # The FAQ and the new features are written once per language; a reader sees the ones of theirs.
    return models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)


class FaqGroup(models.Model):
    """A heading of the FAQ ("Orders and quotes") in one language, its entries under it."""

    language = _language_field()
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["language", "position", "id"]
        verbose_name = _("FAQ group")
        verbose_name_plural = _("FAQ groups")
        constraints = [models.UniqueConstraint(fields=["language", "name"], name="help_faq_group_name_unique_in_language")]

    def __str__(self) -> str:
        return self.name


class FaqEntry(models.Model):
    """One question and its answer; the answer is plain text, its line breaks kept on the page."""

    group = models.ForeignKey(FaqGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="entries")
    question = models.CharField(_("question"), max_length=255)
    answer = models.TextField(_("answer"), help_text=_("Plain text; line breaks are kept."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["group_id", "position", "id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        constraints = [models.UniqueConstraint(fields=["group", "question"], name="help_faq_question_unique_in_group")]

    def __str__(self) -> str:
        return self.question


class NewFeature(models.Model):
    """One dated item of "New features" in one language: what changed in the store."""

    language = _language_field()
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("description"), help_text=_("Plain text; line breaks are kept."))
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("new feature")
        verbose_name_plural = _("new features")
        indexes = [models.Index(fields=["language", "published", "-date"], name="help_feature_lang_pub_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class Location(models.Model):
    """One of the distributor's offices in a country, shown under "Locations and service centres"."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    email = models.EmailField(_("email"))
    hours = models.CharField(_("opening hours"), max_length=160, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["country", "position", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="help_location_name_unique_in_country")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Inquiry(models.Model):
    """A message sent through "Questions or Concerns", by a visitor or a signed-in contact."""

    contact = models.ForeignKey(
        "accounts.Contact", verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    comment = models.TextField(_("comment"))
    # Kept so the back office can trace abuse the throttle let through.
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question or concern")
        verbose_name_plural = _("questions or concerns")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
