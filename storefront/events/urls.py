from django.urls import path

from storefront.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/register/customer/", views.event_register_contact, name="register-contact"),
    path("<int:pk>/register/", views.event_register_visitor, name="register-visitor"),
]
