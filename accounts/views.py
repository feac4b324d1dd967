from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import (
    AccountDataForm,
    ActivationCodeForm,
    ActivationEmailForm,
    ActivationPasswordForm,
    ContactForm,
    ContactInformationForm,
    NewContactForm,
    TotpRequirementForm,
)
from accounts.models import ContactLink
from accounts.permissions import account_admin_required, contact_required, get_contact_for_admin
from accounts.selectors import contact_list_for_admin
from accounts.services import ContactError, EditOutcome
from storefront.audit.selectors import security_events_for_account

SECURITY_LOG_PAGE_SIZE = 50

ACTIVATION_SESSION_KEY = "contact_activation_code"


def _form_error(form, exc: ContactError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Account information -------------------------------------------------------------------------


@contact_required
def account_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_detail.html", {"account": request.contact.account})


@contact_required
@require_http_methods(["GET", "POST"])
def contact_information(request: HttpRequest) -> HttpResponse:
    contact = request.contact
    account = contact.account
    own_form = ContactInformationForm(
        initial={
            "first_name": contact.user.first_name,
            "last_name": contact.user.last_name,
            "position": contact.position,
            "telephone": contact.telephone,
        },
        prefix="own",
    )
    account_form = AccountDataForm(instance=account, editable=contact.is_admin, prefix="account")
    if request.method == "POST":
        if request.POST.get("section") == "account":
            account_form = AccountDataForm(request.POST, instance=account, editable=contact.is_admin, prefix="account")
            if account_form.is_valid():
                changes = {name: account_form.cleaned_data[name] for name in account_form.changed_data}
                try:
                    services.account_update_by_contact(contact=contact, changes=changes)
                except ContactError as exc:
                    _form_error(account_form, exc)
                else:
                    messages.success(request, _("The changes have been registered correctly."))
                    return redirect("accounts:contact-information")
        else:
            own_form = ContactInformationForm(request.POST, prefix="own")
            if own_form.is_valid():
                services.contact_update_own(contact=contact, **own_form.cleaned_data)
                messages.success(request, _("The changes have been registered correctly."))
                return redirect("accounts:contact-information")
    return render(
        request,
        "accounts/contact_information.html",
        {"own_form": own_form, "account_form": account_form, "account": account},
    )


# --- contact list (account administrators) -------------------------------------------------------


@account_admin_required
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = contact_list_for_admin(request.contact)
    totp_form = TotpRequirementForm(initial={"required": request.contact.account.totp_required_for_admins})
    return render(request, "accounts/contact_list.html", {"contacts": contacts, "totp_form": totp_form})


@account_admin_required
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    """Security log: the account's sign-ins, contact and permission changes, decisions and exports."""
    events = security_events_for_account(contact=request.contact)
    page = Paginator(events, SECURITY_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/security_event_list.html", {"page": page})


@account_admin_required
@require_http_methods(["POST"])
def totp_requirement(request: HttpRequest) -> HttpResponse:
    form = TotpRequirementForm(request.POST)
    if form.is_valid():
        try:
            account = services.account_totp_requirement_set(actor=request.contact, required=form.cleaned_data["required"])
        except ContactError as exc:
            messages.error(request, exc.message)
        else:
            if account.totp_required_for_admins:
                messages.success(request, _("From now on, administrators sign in with a code from an authenticator app."))
            else:
                messages.success(request, _("Administrators no longer need an authenticator app to sign in."))
    return redirect("accounts:contact-list")


@account_admin_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    form = NewContactForm(request.POST or None, initial={"permissions": ["can_see_prices"]})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.contact,
                account=request.contact.account,
                data=form.to_data(),
                username=form.cleaned_data["username"],
            )
        except ContactError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The contact %(name)s was saved. We sent an email to %(email)s to confirm.")
                % {"name": contact.full_name, "email": contact.user.email},
            )
            return redirect("accounts:contact-list")
    return render(request, "accounts/contact_form.html", {"form": form, "target": None})


@contact_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_admin(request, pk)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(contact))
    if request.method == "POST" and form.is_valid():
        try:
            contact, outcome = services.contact_update(
                actor=request.contact,
                contact=contact,
                data=form.to_data(),
                resend_validation=request.POST.get("action") == "validate_email",
            )
        except ContactError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The changes have been registered correctly."))
            if outcome == EditOutcome.VALIDATION_SENT:
                messages.info(
                    request,
                    _("We sent a link to %(email)s: the new email holds once the contact validates it.")
                    % {"email": contact.pending_email},
                )
            elif outcome == EditOutcome.VALIDATION_CANCELLED:
                messages.info(request, _("The pending email change was cancelled."))
            elif outcome == EditOutcome.INVITATION_READDRESSED:
                messages.info(request, _("We sent the invitation to %(email)s.") % {"email": contact.user.email})
            return redirect("accounts:contact-edit", pk=contact.pk)
    return render(request, "accounts/contact_form.html", {"form": form, "target": contact})


@contact_required
@require_http_methods(["GET", "POST"])
def contact_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_admin(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.contact_deactivate(actor=request.contact, contact=contact)
        except ContactError as exc:
            error = exc.message
        else:
            messages.success(request, _("The changes have been registered correctly."))
            return redirect("accounts:contact-list")
    # From the contact list, htmx asks for the confirmation alone and shows it as a dialog.
    template = "accounts/contact_deactivate.html#confirm" if request.htmx else "accounts/contact_deactivate.html"
    response = render(request, template, {"target": contact, "error": error})
    patch_vary_headers(response, ["HX-Request"])
    return response


@contact_required
@require_http_methods(["POST"])
def contact_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_admin(request, pk)
    try:
        contact = services.contact_reactivate(actor=request.contact, contact=contact)
    except ContactError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is reactivated: we sent the ACTIVATE USER email to %(email)s.")
            % {"name": contact.full_name, "email": contact.user.email},
        )
    return redirect("accounts:contact-list")


@contact_required
@require_http_methods(["POST"])
def contact_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_admin(request, pk)
    try:
        contact = services.contact_invitation_resend(actor=request.contact, contact=contact)
    except ContactError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("We sent the invitation again to %(email)s.") % {"email": contact.user.email})
    return redirect("accounts:contact-list")


# --- the new contact's own steps (links from its emails) ------------------------------------------


def _link_invalid(request: HttpRequest, exc: ContactError) -> HttpResponse:
    return render(request, "accounts/link_invalid.html", {"error": exc.message}, status=400)


def _link_or_error(request: HttpRequest, token: str, purpose: str) -> tuple[ContactLink | None, HttpResponse | None]:
    try:
        return services.contact_link_get(token=token, purpose=purpose), None
    except ContactError as exc:
        return None, _link_invalid(request, exc)


@require_http_methods(["GET", "POST"])
def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    link, failure = _link_or_error(request, token, ContactLink.Purpose.CONFIRM)
    if failure:
        return failure
    if request.method == "POST":
        try:
            contact = services.contact_confirm(token=token)
        except ContactError as exc:
            return _link_invalid(request, exc)
        return render(request, "accounts/contact_confirmed.html", {"target": contact})
    return render(request, "accounts/contact_confirm.html", {"target": link.contact})


@require_http_methods(["GET", "POST"])
def contact_activate(request: HttpRequest, token: str) -> HttpResponse:
    link, failure = _link_or_error(request, token, ContactLink.Purpose.ACTIVATE)
    if failure:
        return failure
    form = ActivationEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_code_send(token=token, email=form.cleaned_data["email"])
        except ContactError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("We sent a code to your email. It is valid for 10 minutes."))
            return redirect("accounts:contact-activate-code", token=token)
    return render(request, "accounts/contact_activate.html", {"form": form, "target": link.contact, "token": token})


@require_http_methods(["GET", "POST"])
def contact_activate_code(request: HttpRequest, token: str) -> HttpResponse:
    link, failure = _link_or_error(request, token, ContactLink.Purpose.ACTIVATE)
    if failure:
        return failure
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = services.contact_code_validate(token=token, code=form.cleaned_data["code"])
        except ContactError as exc:
            _form_error(form, exc)
        else:
            request.session[ACTIVATION_SESSION_KEY] = verification.pk
            return redirect("accounts:contact-activate-password", token=token)
    return render(request, "accounts/contact_activate_code.html", {"form": form, "target": link.contact, "token": token})


@require_http_methods(["GET", "POST"])
def contact_activate_password(request: HttpRequest, token: str) -> HttpResponse:
    link, failure = _link_or_error(request, token, ContactLink.Purpose.ACTIVATE)
    if failure:
        return failure
    verification_id = request.session.get(ACTIVATION_SESSION_KEY)
    if not verification_id:
        messages.error(request, _("Validate the code from your email first."))
        return redirect("accounts:contact-activate-code", token=token)
    form = ActivationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_activate(token=token, verification_id=verification_id, password=form.cleaned_data["password1"])
        except ContactError as exc:
            _form_error(form, exc)
        else:
            request.session.pop(ACTIVATION_SESSION_KEY, None)
            messages.success(request, _("Your user is active. Sign in with your user id or email and your new password."))
            return redirect(reverse("account_login"))
    return render(request, "accounts/contact_activate_password.html", {"form": form, "target": link.contact, "token": token})


@require_http_methods(["GET", "POST"])
def email_validate(request: HttpRequest, token: str) -> HttpResponse:
    link, failure = _link_or_error(request, token, ContactLink.Purpose.VALIDATE_EMAIL)
    if failure:
        return failure
    if request.method == "POST":
        try:
            contact = services.contact_email_validate(token=token)
        except ContactError as exc:
            return _link_invalid(request, exc)
        messages.success(request, _("Your email is now %(email)s.") % {"email": contact.user.email})
        return redirect("home")
    return render(request, "accounts/email_validate.html", {"target": link.contact, "new_email": link.email})
