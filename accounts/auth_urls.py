"""The allauth pages the store uses, and only those.

allauth's full URL set includes email management (add an address, make it primary), which would let a
contact change its sign-in email without its administrator and without validation: the store changes
emails only through the contact list's Validate Email.
"""

from django.urls import include, path, re_path

from allauth.account import views

urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("logout/", views.logout, name="account_logout"),
    path("inactive/", views.account_inactive, name="account_inactive"),
    # Sign-up is closed (contacts are created by their administrator); the page says so.
    path("signup/", views.signup, name="account_signup"),
    path("password/change/", views.password_change, name="account_change_password"),
    path("password/set/", views.password_set, name="account_set_password"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("password/reset/done/", views.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("password/reset/key/done/", views.password_reset_from_key_done, name="account_reset_password_from_key_done"),
    # Confirming the password again before setting up or removing the authenticator app.
    path("reauthenticate/", views.reauthenticate, name="account_reauthenticate"),
    # Two-step sign-in: the authenticator app (TOTP only; settings.MFA_SUPPORTED_TYPES).
    path("two-step/", include("allauth.mfa.urls")),
]
