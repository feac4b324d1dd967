"""Public pages for becoming a customer ("Become a Customer") and for getting access ("Request Access")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from accounts import registration
from accounts.countries import COUNTRIES
from accounts.forms import BecomeCustomerForm, RequestAccessForm
from accounts.registration import RegistrationError
from storefront.throttle import client_ip


def _form_error(form, exc: RegistrationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _country(request: HttpRequest) -> str:
    """The country of the form: the one posted, else the one picked on the page, else the store's."""
    chosen = (request.POST.get("country") or request.GET.get("country") or "").strip().upper()
    return chosen if chosen in COUNTRIES else request.country


@require_http_methods(["GET", "POST"])
def become_customer(request: HttpRequest) -> HttpResponse:
    country = _country(request)
    form = BecomeCustomerForm(request.POST or None, request.FILES or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            registration.registration_throttle_take(client_ip=client_ip(request))
            # A known email saves nothing but gets this same answer: the page tells no one which addresses exist.
            registration.registration_submit(data=form.to_data(language=get_language() or ""), documents=form.uploads())
        except RegistrationError as exc:
            _form_error(form, exc)
        else:
            return redirect("accounts:registration-done")
    return render(
        request,
        "accounts/registration_form.html",
        {"form": form, "form_country": country, "form_country_name": COUNTRIES[country][0], "countries": COUNTRIES},
    )


def registration_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/registration_done.html")


@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest) -> HttpResponse:
    form = RequestAccessForm(request.POST or None, initial={"country": request.country})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration.access_request_throttle_take(client_ip=client_ip(request), email=data["email"])
        except RegistrationError as exc:
            _form_error(form, exc)
        else:
            # The same answer whether or not the data match a contact.
            registration.access_request(
                country=data["country"], customer_code=data["customer_code"], email=data["email"], name=data["name"]
            )
            return redirect("accounts:request-access-done")
    return render(request, "accounts/request_access_form.html", {"form": form})


def request_access_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/request_access_done.html")
