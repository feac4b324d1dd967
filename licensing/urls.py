from django.urls import path

from licensing.views import console, reseller

app_name = "licensing"

urlpatterns = [
    # The reseller: ordering, the repository of licensing orders, My Downloads.
    path("order/", reseller.order_new, name="order-new"),
    path("orders/", reseller.order_list, name="order-list"),
    path("orders/<str:number>/", reseller.order_detail, name="order-detail"),
    path("orders/<str:number>/cancel/", reseller.order_cancel, name="order-cancel"),
    path("orders/<str:number>/counter-offer/", reseller.counter_offer_answer, name="counter-offer"),
    path("orders/<str:number>/ecertificate/", reseller.certificate_download, name="certificate"),
    path("downloads/", reseller.downloads_licenses, name="downloads"),
    path("downloads/keys/", reseller.downloads_keys, name="downloads-keys"),
    # The sales executive's console: the held orders of its own accounts.
    path("console/", console.console_list, name="console"),
    path("console/<str:number>/", console.console_detail, name="console-detail"),
    path("console/<str:number>/approve/", console.console_approve, name="console-approve"),
    path("console/<str:number>/reject/", console.console_reject, name="console-reject"),
    path("console/<str:number>/counter-offer/", console.console_counter_offer, name="console-counter-offer"),
    path("console/<str:number>/cancel/", console.console_cancel, name="console-cancel"),
]
