from django.urls import path

from storefront.help import views

app_name = "help"

urlpatterns = [
    path("", views.help_home, name="home"),
    path("faq/", views.faq_list, name="faq"),
    path("questions/", views.inquiry_create, name="questions"),
    path("new-features/", views.new_feature_list, name="new-features"),
    path("locations/", views.location_list, name="locations"),
]
