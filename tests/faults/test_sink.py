"""The fault suite's SMTP sink: it decides what counts as sent, so it is tested like the store."""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from faults.__main__ import table
from faults.ledger import Figures
from faults.sink import SmtpSink


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    running = SmtpSink().start()
    yield running
    running.stop()


def _send(sink: SmtpSink, *, to: str = "buyer@reseller.test", message_id: str = "<1@store.test>", timeout: float = 2) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"], message["Message-ID"] = "Order placed", "store@store.test", to, message_id
    message.set_content("Thank you.\n.a line that starts with a dot\n")
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=timeout) as client:
        client.send_message(message)


def test_a_message_is_counted_by_its_message_id(sink):
    _send(sink)
    _send(sink)
    _send(sink, message_id="<2@store.test>")
    assert sink.copies() == {"<1@store.test>": 2, "<2@store.test>": 1}
    assert sink.received[0].recipients == ["buyer@reseller.test"] and sink.received[0].subject == "Order placed"


def _until(condition, seconds: float = 5.0) -> None:
    """Wait for the sink's thread to record what the client already saw happen."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sink did not record it in time"
        time.sleep(0.02)


def test_a_refused_recipient_gets_550_and_others_still_pass(sink):
    sink.refuse("Gone@Reseller.test")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(sink, to="gone@reseller.test")
    assert refused.value.recipients["gone@reseller.test"][0] == 550
    _send(sink)
    assert sink.rcpt_attempts["gone@reseller.test"] == 1 and sum(sink.copies().values()) == 1


def test_a_temporary_failure_answers_451_until_it_ends(sink):
    sink.temporary_failure(0.5)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(sink)
    assert list(refused.value.recipients.values())[0][0] == 451
    time.sleep(0.6)
    _send(sink)
    assert sum(sink.copies().values()) == 1


def test_a_hanging_server_is_cut_by_the_client_timeout(sink):
    sink.hang(5)
    with pytest.raises((smtplib.SMTPServerDisconnected, socket.timeout, TimeoutError)):
        _send(sink, timeout=0.5)
    _until(lambda: sink.hung_cut_after)
    assert sink.hung_cut_after[0] < 1.5
    assert not sink.received


def test_a_client_gone_before_the_answer_to_its_data_sent_nothing(sink):
    sink.delay_next_data(3)
    with pytest.raises((smtplib.SMTPServerDisconnected, socket.timeout, TimeoutError)):
        _send(sink, timeout=0.5)
    assert sink.data_pending.is_set()
    _until(lambda: sink.aborted)
    assert sink.aborted == 1 and not sink.received


def test_several_messages_are_held_at_once_and_pending_is_set_when_all_are(sink):
    """The redis-frozen fault freezes Redis while each worker thread holds a message it has sent."""
    import threading

    sink.delay_next_data(0.8, count=2)
    first = threading.Thread(target=_send, args=(sink,), kwargs={"message_id": "<1@store.test>"})
    first.start()
    _until(lambda: sink.data_holds == 1)
    assert not sink.data_pending.is_set()
    second = threading.Thread(target=_send, args=(sink,), kwargs={"message_id": "<2@store.test>"})
    second.start()
    assert sink.data_pending.wait(timeout=5)
    assert not sink.received  # both still held
    first.join(), second.join()
    assert sink.copies() == {"<1@store.test>": 1, "<2@store.test>": 1}
    started = time.monotonic()
    _send(sink, message_id="<3@store.test>")  # the holds are spent: the next one is answered at once
    assert time.monotonic() - started < 0.5


def test_the_table_shows_each_fault_and_its_problems():
    rows = table([Figures("Redis down 20s", submitted=3, placed=3, emails_expected=3, emails_sent=3, recovery_seconds=4.2),
                  Figures("SMTP 550", problems=["the refused email was tried 3 times"])])
    assert "3/3" in rows and "4.2" in rows and "ok" in rows
    assert "PROBLEMS" in rows and "PROBLEM the refused email was tried 3 times" in rows
