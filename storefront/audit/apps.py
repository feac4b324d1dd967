from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "storefront.audit"
    label = "audit"
    verbose_name = _("security audit")

    def ready(self) -> None:
        # Sign-in, sign-out, passwords and authenticators are allauth's and Django's own flows: their
        # signals are the only place these events can be seen.
        from storefront.audit import signals  # noqa: F401
