from django.urls import path

from accounts import views, views_registration

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
    path("become-a-customer/", views_registration.become_customer, name="become-customer"),
    path("become-a-customer/sent/", views_registration.registration_done, name="registration-done"),
    path("request-access/", views_registration.request_access, name="request-access"),
    path("request-access/sent/", views_registration.request_access_done, name="request-access-done"),
]
