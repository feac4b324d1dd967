from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rma import services
from rma.forms import ClaimStepForm, OrderStepForm
from rma.permissions import get_rma_for_contact, rma_required
from rma.selectors import rma_list_for_account, service_centres_for_contact
from rma.services import RmaError
from storefront.uploads import attachment_response

RMA_PAGE_SIZE = 25
# Step 1's answers, kept in the session until the request is submitted.
SESSION_KEY = "rma_request"


@rma_required
@require_GET
def rma_home(request: HttpRequest) -> HttpResponse:
    """The RMA section: "RMA Request", "RMA Status" and the service centres of the account's country."""
    centres = service_centres_for_contact(contact=request.contact)
    return render(request, "rma/rma_home.html", {"centres": centres, "account": request.contact.account})


@rma_required
@require_http_methods(["GET", "POST"])
def rma_request_order(request: HttpRequest) -> HttpResponse:
    """"RMA Request", step 1: the order number and the contact details."""
    contact = request.contact
    if request.method == "POST":
        form = OrderStepForm(request.POST)
        if form.is_valid():
            try:
                order = services.rma_order_check(contact=contact, order_number=form.cleaned_data["order_number"])
            except RmaError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session[SESSION_KEY] = {**form.cleaned_data, "order_number": order.number}
                return redirect("rma:request-claim")
    else:
        initial = request.session.get(SESSION_KEY) or {
            "order_number": request.GET.get("order", "")[:20],
            "contact_name": contact.full_name,
            "contact_email": contact.user.email,
            "contact_phone": contact.telephone,
        }
        form = OrderStepForm(initial=initial)
    return render(request, "rma/rma_request_order.html", {"form": form})


@rma_required
@require_http_methods(["GET", "POST"])
def rma_request_claim(request: HttpRequest) -> HttpResponse:
    """"RMA Request", step 2: the product of that order, the claim, and "submit"."""
    step1 = request.session.get(SESSION_KEY)
    if not step1:
        return redirect("rma:request")
    try:
        order = services.rma_order_check(contact=request.contact, order_number=step1["order_number"])
    except RmaError as exc:
        messages.error(request, exc.message)
        return redirect("rma:request")
    if request.method == "POST":
        form = ClaimStepForm(request.POST, request.FILES, order=order)
        if form.is_valid():
            claim = dict(form.cleaned_data)
            claim["order_line_id"] = claim.pop("order_line")
            try:
                rma = services.rma_submit(
                    contact=request.contact,
                    order_number=order.number,
                    contact_name=step1["contact_name"],
                    contact_email=step1["contact_email"],
                    contact_phone=step1.get("contact_phone", ""),
                    **claim,
                )
            except RmaError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session.pop(SESSION_KEY, None)
                return redirect("rma:request-submitted", number=rma.number)
    else:
        form = ClaimStepForm(order=order)
    return render(request, "rma/rma_request_claim.html", {"form": form, "order": order, "step1": step1})


@rma_required
@require_GET
def rma_submitted(request: HttpRequest, number: str) -> HttpResponse:
    rma = get_rma_for_contact(request, number)
    return render(request, "rma/rma_submitted.html", {"rma": rma})


@rma_required
@require_GET
def rma_list(request: HttpRequest) -> HttpResponse:
    """"RMA Status": the account's requests, newest first."""
    page = Paginator(rma_list_for_account(contact=request.contact), RMA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rma/rma_list.html", {"page": page})


@rma_required
@require_GET
def rma_detail(request: HttpRequest, number: str) -> HttpResponse:
    rma = get_rma_for_contact(request, number)
    return render(request, "rma/rma_detail.html", {"rma": rma})


@rma_required
@require_GET
def attachment_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """An attachment of the account's own request, downloaded."""
    rma = get_rma_for_contact(request, number)
    attachment = next((a for a in rma.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404("No such attachment.")
    try:
        stream = attachment.file.open("rb")
    except OSError:
        raise Http404("This attachment is not available.") from None
    return attachment_response(stream, filename=attachment.original_name, content_type=attachment.content_type)
