from django.conf import settings
from django.contrib import admin
from django.views.generic import RedirectView
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import BackOfficeSignInForm
from storefront import views
from storefront.country import country_set

admin.site.site_header = format_lazy("{} · {}", settings.STORE_NAME, _("back office"))
admin.site.site_title = admin.site.site_header
# The back office's sign-in counts wrong passwords like the store's does, and offers the same sign-in
# link while the account's bound is spent.
admin.site.login_form = BackOfficeSignInForm
admin.site.login_template = "admin/backoffice_login.html"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("country/", country_set, name="country-set"),
    path("dev/outbox/", views.dev_outbox, name="dev-outbox"),
    path("account/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("buy/", include("orders.urls")),
    path("quotes/", include("quotes.urls")),
    path("rma/", include("rma.urls")),
    path("licensing/", include("licensing.urls")),
    path("help/", include("storefront.help.urls")),
    path("help/chat/", include("storefront.chat.urls")),
    path("events/", include("storefront.events.urls")),
    path("auth/", include("accounts.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The back office's own password change checks the current password with no bound on guesses: its
    # link leads to the store's page, which counts each guess against the account (accounts.signin).
    path(
        "backoffice/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
        name="backoffice-password-change",
    ),
    path("backoffice/", admin.site.urls),
]
