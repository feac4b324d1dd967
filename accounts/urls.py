from django.urls import path

from accounts import views, views_registration, views_signin

app_name = "accounts"

urlpatterns = [
    path("", views.account_detail, name="account-detail"),
    path("contact-information/", views.contact_information, name="contact-information"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/two-step/", views.totp_requirement, name="totp-requirement"),
    path("contacts/security-log/", views.security_log, name="security-log"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/deactivate/", views.contact_deactivate, name="contact-deactivate"),
    path("contacts/<int:pk>/reactivate/", views.contact_reactivate, name="contact-reactivate"),
    path("contacts/<int:pk>/invitation/", views.contact_invitation_resend, name="contact-invitation"),
    path("confirm/<str:token>/", views.contact_confirm, name="contact-confirm"),
    path("activate/<str:token>/", views.contact_activate, name="contact-activate"),
    path("activate/<str:token>/code/", views.contact_activate_code, name="contact-activate-code"),
    path("activate/<str:token>/password/", views.contact_activate_password, name="contact-activate-password"),
    path("validate-email/<str:token>/", views.email_validate, name="email-validate"),
    path("sign-in-link/", views_signin.signin_link_request, name="signin-link-request"),
    path("sign-in-link/sent/", views_signin.signin_link_sent, name="signin-link-sent"),
    path("sign-in-link/key/<str:key>/", views_signin.signin_link, name="signin-link"),
    path("sign-in-link/password/", views_signin.signin_link_password, name="signin-link-password"),
    path("become-a-customer/", views_registration.become_customer, name="become-customer"),
    path("become-a-customer/sent/", views_registration.registration_done, name="registration-done"),
    path("request-access/", views_registration.request_access, name="request-access"),
    path("request-access/sent/", views_registration.request_access_done, name="request-access-done"),
]
