from django.urls import path

from rma import views

app_name = "rma"

urlpatterns = [
    path("", views.rma_home, name="home"),
    path("request/", views.rma_request_order, name="request"),
    path("request/claim/", views.rma_request_claim, name="request-claim"),
    path("requests/", views.rma_list, name="rma-list"),
    path("requests/<str:number>/", views.rma_detail, name="rma-detail"),
    path("requests/<str:number>/submitted/", views.rma_submitted, name="request-submitted"),
    path("requests/<str:number>/attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
]
