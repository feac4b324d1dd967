from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_home, name="home"),
    path("search/", views.search, name="search"),
    path("c/<slug:slug>/", views.category_listing, name="category"),
    path("brand/<slug:slug>/", views.brand_listing, name="brand"),
    path("p/<str:sku>/", views.product_detail, name="product-detail"),
    path("price-list/", views.price_list_create, name="price-list-create"),
    path("price-list/files/", views.price_list_files, name="price-list-files"),
    path("price-list/<uuid:token>/", views.price_list_status, name="price-list-status"),
    path("price-list/<uuid:token>/download/", views.price_list_download, name="price-list-download"),
]
