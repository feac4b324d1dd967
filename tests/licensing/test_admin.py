"""The back office of volume licensing: orders moved along by buttons that call the services, keys
recorded per line, cloud lines activated, invoices issued; a sales executive sees only its accounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from licensing import services
from licensing.models import LicenceKey, LicenceOrder, LicenceOrderEvent, Program
from orders.models import Invoice
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:licensing_licenceorder_changelist"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def back_office_client(client, back_office):
    client.force_login(back_office)
    return client


@pytest.fixture
def sales_client(client, sales_executive):
    sales_executive.user_permissions.set(Permission.objects.filter(codename__in=["view_licenceorder", "change_licenceorder"]))
    client.force_login(sales_executive)
    return client


@pytest.fixture
def approved(held_order, back_office) -> LicenceOrder:
    return services.vl_order_approve(actor=back_office, order=held_order)


@pytest.fixture
def sent(approved, back_office) -> LicenceOrder:
    return services.vl_order_move(actor=back_office, order=approved, to_state="sent")


@pytest.fixture
def processed(sent, back_office) -> LicenceOrder:
    LicenceOrder.objects.filter(pk=sent.pk).update(authorization_number="AUTH-5501")
    return services.vl_order_move(actor=back_office, order=sent, to_state="processed")


@pytest.fixture
def theirs(other_account, other_contact, vl_catalog) -> LicenceOrder:
    """Orbit's order (Orbit has no sales executive)."""
    other_account.credit_limit = Decimal("900000000.00")
    other_account.save(update_fields=["credit_limit"])
    other_contact.can_license = True
    other_contact.save(update_fields=["can_license"])
    return place_vl(other_contact, items=[(vl_catalog["office"], 1, None)], key="o" * 32, end_customer="Universidad Orbital")


def _change(order: LicenceOrder) -> str:
    return reverse("admin:licensing_licenceorder_change", args=[order.pk])


def _post(client, name: str, *args, data=None):
    return client.post(reverse(f"admin:licensing_licenceorder_{name}", args=args), data or {}, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the list and the page ------------------------------------------------------------------------


def test_the_list_shows_each_order_and_searches_by_line_sku_and_end_customer(back_office_client, held_order, theirs):
    page = back_office_client.get(reverse(CHANGELIST)).content.decode()
    assert held_order.number in page and theirs.number in page

    by_sku = back_office_client.get(reverse(CHANGELIST), {"q": "VL-MS-0002"}).content.decode()
    assert held_order.number in by_sku and theirs.number not in by_sku
    by_customer = back_office_client.get(reverse(CHANGELIST), {"q": "Orbital"}).content.decode()
    assert theirs.number in by_customer and held_order.number not in by_customer
    filtered = back_office_client.get(reverse(CHANGELIST), {"state__exact": "on_hold"}).content.decode()
    assert held_order.number in filtered and theirs.number not in filtered


def test_the_page_shows_lines_history_and_edits_only_the_authorization_number(back_office_client, sent):
    response = back_office_client.get(_change(sent))
    page = response.content.decode()

    assert "VL-MS-0001" in page and "VL-MS-0002" in page
    assert "special price approved" in page  # the history
    assert list(response.context["adminform"].form.fields) == ["authorization_number"]
    assert "Mark processed" in page and "Send to manufacturer" not in page


def test_saving_the_page_records_the_authorization_number_and_nothing_else(back_office_client, sent):
    LicenceOrder.objects.filter(pk=sent.pk).update(end_customer="Changed meanwhile")

    back_office_client.post(_change(sent), {
        "authorization_number": "  AUTH-9001 ", "state": "received", "total": "1.00",
        "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })

    sent.refresh_from_db()
    assert sent.authorization_number == "AUTH-9001"
    assert (sent.state, sent.end_customer) == (LicenceOrder.State.SENT, "Changed meanwhile")


def test_a_received_order_has_nothing_to_edit(back_office_client, processed, back_office):
    for line in processed.lines.all():
        LicenceKey.objects.create(line=line, key=f"KEY-{line.pk:05d}")
    received = services.vl_order_move(actor=back_office, order=processed, to_state="received")

    response = back_office_client.get(_change(received))

    assert "authorization_number" not in response.context["adminform"].form.fields
    assert 'name="_save"' not in response.content.decode()


# --- the moves ------------------------------------------------------------------------------------


def test_send_process_and_receive_with_the_buttons(back_office_client, back_office, approved):
    response = _post(back_office_client, "move", approved.pk, "sent")
    assert any("Sent to the manufacturer" in m for m in _messages(response))

    refused = _post(back_office_client, "move", approved.pk, "processed")
    assert any("authorization number" in m for m in _messages(refused))
    assert LicenceOrder.objects.get(pk=approved.pk).state == LicenceOrder.State.SENT

    LicenceOrder.objects.filter(pk=approved.pk).update(authorization_number="AUTH-1")
    _post(back_office_client, "move", approved.pk, "processed")
    missing = _post(back_office_client, "move", approved.pk, "received")
    assert any("software keys" in m for m in _messages(missing))

    lines = list(approved.lines.order_by("id"))
    _post(back_office_client, "keys", approved.pk, data={f"keys-{lines[0].pk}": "OFF-11111\nOFF-22222", f"keys-{lines[1].pk}": "SRV-33333"})
    _post(back_office_client, "move", approved.pk, "received")

    order = LicenceOrder.objects.get(pk=approved.pk)
    assert order.state == LicenceOrder.State.RECEIVED and order.certificate_due_at is not None
    assert list(LicenceOrderEvent.objects.filter(order=order, actor=back_office).values_list("to_state", flat=True)) == [
        "approved", "sent", "processed", "processed", "received",
    ]


def test_a_forbidden_move_is_an_error_message_not_a_500(back_office_client, held_order):
    for to_state in ("received", "cancelled", "nonsense"):
        response = _post(back_office_client, "move", held_order.pk, to_state)
        assert response.status_code == 200
        assert response.context["messages"] and all(m.level_tag == "error" for m in response.context["messages"])
    assert LicenceOrder.objects.get(pk=held_order.pk).state == LicenceOrder.State.ON_HOLD


def test_the_buttons_answer_only_posts(back_office_client, approved):
    assert back_office_client.get(reverse("admin:licensing_licenceorder_move", args=[approved.pk, "sent"])).status_code == 405
    assert LicenceOrder.objects.get(pk=approved.pk).state == LicenceOrder.State.APPROVED


# --- keys -----------------------------------------------------------------------------------------


def test_keys_are_recorded_per_line_and_duplicates_are_refused(back_office_client, processed):
    office, server = processed.lines.order_by("id")
    url = reverse("admin:licensing_licenceorder_keys", args=[processed.pk])
    assert back_office_client.get(url).status_code == 200

    duplicate = back_office_client.post(url, {f"keys-{office.pk}": "OFF-11111\noff-11111", f"keys-{server.pk}": ""})
    assert "already recorded" in duplicate.content.decode()
    assert duplicate.context["form"].data[f"keys-{office.pk}"] == "OFF-11111\noff-11111"  # what was typed is kept
    across = back_office_client.post(url, {f"keys-{office.pk}": "SAME-12345", f"keys-{server.pk}": "SAME-12345"})
    assert "already recorded" in across.content.decode()
    bad = back_office_client.post(url, {f"keys-{office.pk}": "<script>", f"keys-{server.pk}": ""})
    assert "is not a software key" in bad.content.decode()
    too_many = back_office_client.post(url, {f"keys-{server.pk}": "SRV-00001\nSRV-00002\nSRV-00003"})
    assert "at most 2 keys" in too_many.content.decode()
    empty = back_office_client.post(url, {f"keys-{office.pk}": "  \n", f"keys-{server.pk}": ""})
    assert "at least one software key" in empty.content.decode()
    assert not LicenceKey.objects.exists()

    back_office_client.post(url, {f"keys-{office.pk}": "OFF-11111\n\nOFF-22222\n", f"keys-{server.pk}": "SRV-33333"})
    again = back_office_client.post(url, {f"keys-{office.pk}": "OFF-22222"})

    assert "already recorded" in again.content.decode()
    assert sorted(LicenceKey.objects.values_list("key", flat=True)) == ["OFF-11111", "OFF-22222", "SRV-33333"]
    assert LicenceOrderEvent.objects.filter(order=processed, note="3 software key(s) recorded").count() == 1


def test_keys_wait_until_the_manufacturer_processed_the_order(back_office_client, sent):
    office = sent.lines.order_by("id").first()
    response = back_office_client.post(reverse("admin:licensing_licenceorder_keys", args=[sent.pk]), {f"keys-{office.pk}": "OFF-11111"})
    assert "once the manufacturer has processed" in response.content.decode()
    assert not LicenceKey.objects.exists()


# --- cloud activation and invoices ----------------------------------------------------------------


def test_mark_activated_records_a_cloud_line_and_refuses_a_licence(back_office_client, back_office, licensing_contact, vl_catalog):
    order = place_vl(licensing_contact, items=[(vl_catalog["m365"], 3, None)], program=Program.OPEN_VALUE_SUBSCRIPTION, key="c" * 32)
    line = order.lines.get()
    # Not before the manufacturer processed the order: nothing can be activated yet.
    assert f"Mark activated: {line.sku}" not in back_office_client.get(_change(order)).content.decode()
    order = services.vl_order_move(actor=back_office, order=order, to_state="sent")
    order = services.vl_order_move(actor=back_office, order=order, to_state="processed", authorization_number="V123")
    assert f"Mark activated: {line.sku}" in back_office_client.get(_change(order)).content.decode()

    response = _post(back_office_client, "activate", order.pk, line.pk)

    line.refresh_from_db()
    assert line.activated_at is not None
    assert any("can no longer be returned" in m for m in _messages(response))
    assert LicenceOrderEvent.objects.filter(order=order, actor=back_office, note=f"{line.sku} activated").exists()


def test_mark_activated_on_a_licence_line_is_an_error_message(back_office_client, approved):
    line = approved.lines.order_by("id").first()
    response = _post(back_office_client, "activate", approved.pk, line.pk)
    assert any("Only a cloud product" in m for m in _messages(response))


def test_issue_invoice_refuses_an_order_still_held_and_invoices_a_sent_one_once(back_office_client, held_order, back_office):
    refused = _post(back_office_client, "invoice", held_order.pk)
    assert any("once sent to the manufacturer" in m for m in _messages(refused))
    assert not Invoice.objects.exists()

    services.vl_order_approve(actor=back_office, order=held_order)
    services.vl_order_move(actor=back_office, order=held_order, to_state="sent")
    assert "Issue invoice" in back_office_client.get(_change(held_order)).content.decode()
    first = _post(back_office_client, "invoice", held_order.pk)
    _post(back_office_client, "invoice", held_order.pk)

    invoice = Invoice.objects.get()
    assert invoice.licence_order_id == held_order.pk and invoice.amount == held_order.total
    assert any(invoice.number in m for m in _messages(first))
    page = back_office_client.get(_change(held_order)).content.decode()
    assert invoice.number in page and "Issue invoice" not in page


def test_the_certificate_is_downloaded_once_released(back_office_client, back_office, processed):
    for line in processed.lines.all():
        LicenceKey.objects.create(line=line, key=f"KEY-{line.pk:05d}")
    received = services.vl_order_move(actor=back_office, order=processed, to_state="received")
    url = reverse("admin:licensing_licenceorder_certificate", args=[processed.pk])
    assert back_office_client.get(url).status_code == 404

    LicenceOrder.objects.filter(pk=processed.pk).update(certificate_due_at=received.received_at.replace(year=2000))
    assert services.vl_certificate_release(order_id=processed.pk)
    response = back_office_client.get(url)

    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


# --- the sales executive --------------------------------------------------------------------------


def test_a_sales_executive_sees_only_its_accounts_orders(sales_client, held_order, theirs):
    page = sales_client.get(reverse(CHANGELIST)).content.decode()
    assert held_order.number in page and theirs.number not in page

    assert sales_client.get(_change(held_order)).status_code == 200
    other = sales_client.get(_change(theirs), follow=True)
    assert theirs.end_customer not in other.content.decode()
    assert sales_client.post(reverse("admin:licensing_licenceorder_move", args=[theirs.pk, "sent"])).status_code == 404
    assert sales_client.post(reverse("admin:licensing_licenceorder_invoice", args=[theirs.pk])).status_code == 404
    assert sales_client.get(reverse("admin:licensing_licenceorder_keys", args=[theirs.pk])).status_code == 404
    assert LicenceOrder.objects.get(pk=theirs.pk).state == LicenceOrder.State.PLACED


def test_a_sales_executive_sends_its_own_accounts_order(sales_client, approved):
    _post(sales_client, "move", approved.pk, "sent")
    assert LicenceOrder.objects.get(pk=approved.pk).state == LicenceOrder.State.SENT


def test_staff_without_the_change_permission_press_no_button(client, sales_executive, approved):
    sales_executive.user_permissions.set(Permission.objects.filter(codename="view_licenceorder"))
    client.force_login(sales_executive)
    assert "Send to manufacturer" not in client.get(_change(approved)).content.decode()
    assert client.post(reverse("admin:licensing_licenceorder_move", args=[approved.pk, "sent"])).status_code == 404
    assert LicenceOrder.objects.get(pk=approved.pk).state == LicenceOrder.State.APPROVED


# --- programs and products ------------------------------------------------------------------------


def test_programs_and_licensing_products_are_listed_and_the_product_is_autocompleted(back_office_client, vl_catalog):
    offers = back_office_client.get(reverse("admin:licensing_programoffer_changelist"), {"country__exact": "CO"})
    assert [(o.program, o.country) for o in offers.context["cl"].result_list] == [(Program.OPEN_VALUE, "CO")]
    products = back_office_client.get(reverse("admin:licensing_licenceproduct_changelist"), {"q": "VL-MS-0003"})
    assert [item.product.sku for item in products.context["cl"].result_list] == ["VL-MS-0003"]
    assert "Windows 11 Pro Legalization" in products.content.decode()
    add = back_office_client.get(reverse("admin:licensing_licenceproduct_add")).content.decode()
    assert "admin-autocomplete" in add


def test_the_authorization_number_change_is_recorded_and_refused_once_processed(back_office_client, back_office, vl_order_in):
    sent = vl_order_in(LicenceOrder.State.SENT)
    back_office_client.post(_change(sent), {
        "authorization_number": "V777",
        "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })
    assert LicenceOrderEvent.objects.filter(order=sent, actor=back_office, note="authorization number V777").exists()

    services.vl_order_move(actor=back_office, order=sent, to_state="processed")
    with pytest.raises(services.LicensingError, match="can no longer change"):
        services.vl_order_authorization_set(actor=back_office, order=sent, authorization_number="V888")
    sent.refresh_from_db()
    assert sent.authorization_number == "V777"
