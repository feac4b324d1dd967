from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("dialog/close/", views.dialog_close, name="dialog-close"),
    path("cart/update/", views.cart_update, name="cart-update"),
    path("cart/remove/<int:line_id>/", views.cart_remove, name="cart-remove"),
    path("cart/add-item/", views.cart_add_item, name="cart-add-item"),
    path("cart/add-multiple/", views.cart_add_multiple, name="cart-add-multiple"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/placed/", views.order_placed, name="order-placed"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("statement/", views.statement, name="statement"),
    path("statement/xlsx/", views.statement_xlsx, name="statement-xlsx"),
]
