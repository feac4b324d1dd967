"""The events portal: the events of a country, an event's page and its two ways to register."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.countries import COUNTRIES
from storefront.events import services
from storefront.events.forms import CountryChoiceForm, VisitorRegistrationForm
from storefront.events.models import Event, country_timezone
from storefront.events.selectors import event_for_page, event_list_upcoming, registration_for_contact
from storefront.events.services import EventError
from storefront.throttle import client_ip

# The two ways to register, as the page's `as` parameter names them.
AS_CUSTOMER = "customer"
AS_VISITOR = "visitor"


def _get_event(pk: int) -> Event:
    event = event_for_page(pk=pk)
    if event is None:
        raise Http404("No such event.")
    return event


def _detail_url(event: Event, choice: str = "") -> str:
    url = reverse("events:detail", args=[event.pk])
    return f"{url}?{urlencode({'as': choice})}" if choice else url


def _partial(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """The upcoming events of the request's country, or of the one chosen on the page."""
    chooser = CountryChoiceForm(request.GET if "country" in request.GET else None)
    country = chooser.cleaned_data["country"] if chooser.is_bound and chooser.is_valid() else request.country
    context = {
        "events": event_list_upcoming(country=country),
        "chooser": CountryChoiceForm(initial={"country": country}),
        "shown_country": country,
        "shown_country_name": COUNTRIES[country][0],
        "shown_timezone": country_timezone(country),
    }
    template = "events/event_list.html#event-list" if _partial(request) else "events/event_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_detail(
    request: HttpRequest, event: Event, choice: str, form: VisitorRegistrationForm | None = None
) -> HttpResponse:
    contact = request.contact
    if choice == AS_VISITOR and form is None:
        form = VisitorRegistrationForm(initial={"country": request.country})
    context = {
        "event": event,
        "choice": choice,
        "form": form,
        "AS_CUSTOMER": AS_CUSTOMER,
        "AS_VISITOR": AS_VISITOR,
        "customer_url": _detail_url(event, AS_CUSTOMER),
        "visitor_url": _detail_url(event, AS_VISITOR),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': _detail_url(event, AS_CUSTOMER)})}",
        "registration": registration_for_contact(event=event, contact=contact) if contact and choice == AS_CUSTOMER else None,
    }
    template = "events/event_detail.html#registration" if _partial(request) else "events/event_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event, and the choice: a customer's contact (signed in) or not (a form)."""
    event = _get_event(pk)
    choice = request.GET.get("as", "")
    if choice not in (AS_CUSTOMER, AS_VISITOR):
        choice = AS_CUSTOMER if request.contact is not None else ""
    return _render_detail(request, event, choice)


@require_POST
def event_register_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """"Register" as a customer's contact: the signed-in contact's own data."""
    event = _get_event(pk)
    if request.contact is None:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': _detail_url(event, AS_CUSTOMER)})}")
    try:
        registration = services.event_register_contact(event=event, contact=request.contact)
    except EventError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(event, AS_CUSTOMER))
    messages.success(
        request,
        _("You are registered for %(title)s. We sent the confirmation to %(email)s.")
        % {"title": event.title, "email": registration.email},
    )
    return redirect(_detail_url(event, AS_CUSTOMER))


@require_POST
def event_register_visitor(request: HttpRequest, pk: int) -> HttpResponse:
    """"Register" with the form of a person who is not a customer's contact.

    The answer is the same whether or not the email was already registered (the service then emails
    that address instead), so the form tells nobody who is registered.
    """
    event = _get_event(pk)
    form = VisitorRegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.registration_throttle_check(ip=client_ip(request))
            services.event_register_visitor(event=event, **form.cleaned_data)
        except EventError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            data = form.cleaned_data
            messages.success(
                request,
                _("%(name)s is registered for %(title)s. We sent the confirmation to %(email)s.")
                % {
                    # As typed (tidied like the service tidies it), not as found: the same answer either way.
                    "name": " ".join(f"{data['first_name']} {data['last_name']}".split()),
                    "title": event.title,
                    "email": data["email"],
                },
            )
            return redirect(_detail_url(event))
    return _render_detail(request, event, AS_VISITOR, form)
