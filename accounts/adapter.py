from __future__ import annotations

from django.http import HttpRequest

from allauth.account.adapter import DefaultAccountAdapter

from storefront.emails import email_store


class StoreAccountAdapter(DefaultAccountAdapter):
    """allauth, the store's way: no self sign-up, and its emails go through the store's outbox."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Contacts are created by their account administrator; new resellers become customers.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = context.get("request")
        ctx = {"request": request, "email": email, **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        email_store(to=email, subject=message.subject, body_text=message.body, body_html=html)

    def format_email_subject(self, subject: str) -> str:
        from django.conf import settings

        return f"{settings.STORE_NAME}: {subject}"
