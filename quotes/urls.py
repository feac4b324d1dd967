from django.urls import path

from quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="quote-list"),
    path("add/", views.quote_add, name="quote-add"),
    path("current/", views.quote_current, name="quote-current"),
    path("from-cart/", views.quote_from_cart, name="quote-from-cart"),
    path("pdf/<uuid:token>/", views.quote_pdf_status, name="quote-pdf-status"),
    path("pdf/<uuid:token>/download/", views.quote_pdf_download, name="quote-pdf-download"),
    path("<str:number>/", views.quote_detail, name="quote-detail"),
    path("<str:number>/created/", views.quote_created, name="quote-created"),
    path("<str:number>/preview/", views.quote_preview, name="quote-preview"),
    path("<str:number>/save/", views.quote_save, name="quote-save"),
    path("<str:number>/add-item/", views.quote_add_item, name="quote-add-item"),
    path("<str:number>/customer/", views.customer_save, name="customer-save"),
    path("<str:number>/lines/<int:line_id>/remove/", views.quote_line_remove, name="quote-line-remove"),
    path("<str:number>/activate/", views.quote_activate, name="quote-activate"),
    path("<str:number>/to-cart/", views.quote_to_cart, name="quote-to-cart"),
    path("<str:number>/pdf/", views.quote_pdf, name="quote-pdf"),
]
