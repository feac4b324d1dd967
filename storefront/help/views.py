"""The help centre's pages: public, for visitors and signed-in contacts alike."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from storefront.help import selectors, services
from storefront.help.forms import CountryChoiceForm, FaqSearchForm, InquiryForm
from storefront.help.services import HelpError
from storefront.throttle import client_ip

NEW_FEATURES_PAGE_SIZE = 20


@require_GET
def help_home(request: HttpRequest) -> HttpResponse:
    """The help section the "help" button opens: every way to get help, on one page."""
    return render(
        request,
        "help/help_home.html",
        {
            "faq_groups": selectors.faq_groups_with_counts(language=get_language()),
            "support_phone": settings.STORE_SUPPORT_PHONE,
            "support_email": settings.STORE_SUPPORT_EMAIL,
        },
    )


@require_GET
def faq_list(request: HttpRequest) -> HttpResponse:
    """The FAQ of the reader's language by group; the search box filters its questions and answers (htmx swaps
    the results alone)."""
    form = FaqSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    context = {"form": form, "query": query, "sections": selectors.faq_sections(language=get_language(), query=query)}
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "help/faq_list.html#faq-results" if partial else "help/faq_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _inquiry_initial(request: HttpRequest) -> dict[str, str]:
    initial = {"country": request.country}
    contact = getattr(request, "contact", None)
    if contact is not None:
        initial.update(
            first_name=contact.user.first_name,
            last_name=contact.user.last_name,
            email=contact.user.email,
            company_name=contact.account.company_name,
            phone=contact.telephone,
        )
    return initial


@require_http_methods(["GET", "POST"])
def inquiry_create(request: HttpRequest) -> HttpResponse:
    """The "Questions or Concerns" page: saved, sent to support and acknowledged to the sender."""
    status = 200
    if request.method == "POST":
        form = InquiryForm(request.POST)
        if form.is_valid():
            try:
                services.inquiry_submit(
                    contact=getattr(request, "contact", None), client_ip=client_ip(request), **form.cleaned_data
                )
            except HelpError as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                messages.success(
                    request,
                    _("Thank you: we received your message and sent a copy to %(email)s. Our support team will answer you by email.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("help:home")
    else:
        form = InquiryForm(initial=_inquiry_initial(request))
    return render(request, "help/inquiry_form.html", {"form": form}, status=status)


@require_GET
def new_feature_list(request: HttpRequest) -> HttpResponse:
    """The "New features" page: what changed in the store, newest first."""
    page = Paginator(selectors.new_features_published(language=get_language()), NEW_FEATURES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "help/new_feature_list.html", {"page": page})


@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    """The "Locations and service centres" page: the visitor's by default, another one chosen on the page."""
    form = CountryChoiceForm(request.GET if "country" in request.GET else None, initial={"country": request.country})
    country = form.cleaned_data["country"] if form.is_bound and form.is_valid() else request.country
    if form.is_bound and not form.is_valid():
        form = CountryChoiceForm(initial={"country": country})
        messages.error(request, _("Choose one of the countries in the list."))
    return render(
        request,
        "help/location_list.html",
        {
            "form": form,
            "chosen_country": country,
            "country_name": dict(form.fields["country"].choices)[country],
            "locations": selectors.locations_for_country(country=country),
            "centres": selectors.service_centres_for_country(country=country),
            "support_phone": settings.STORE_SUPPORT_PHONE,
        },
    )
