"""Which queue each task goes to, and which worker of docker-compose.yml serves it.

Emails go to `emails`, served by a threads-pool worker (cheap hand-off, I/O bound); PDFs, Price List
exports and the sweeps stay on the default queue and its prefork worker (time limits, CPU). Run
eagerly (no broker: `make run`, the tests), the routes change nothing.
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from storefront import celery_app
from storefront.emails import email_store
from storefront.models import OutboundEmail
from storefront.tasks import email_send
from tests.storefront.production import as_argv, load_compose

EMAIL_TASKS = ("storefront.tasks.email_send",)
DEFAULT_TASKS = (
    "quotes.tasks.quote_pdf_build_task",
    "catalog.tasks.price_list_export_build_task",
    "catalog.tasks.price_list_exports_purge_task",
    "storefront.tasks.outbox_sweep",
    "licensing.tasks.vl_certificate_release_task",
    "licensing.tasks.vl_certificates_release_due",
)


def routed_queue(task_name: str) -> str:
    """The queue the store's Celery app publishes a task to."""
    return celery_app.amqp.router.route({}, task_name, (), {})["queue"].name


def worker_argv(service: str) -> list[str]:
    return as_argv(load_compose()["services"][service]["command"])


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


@pytest.mark.parametrize("task_name", EMAIL_TASKS)
def test_email_tasks_go_to_the_emails_queue(task_name: str) -> None:
    assert routed_queue(task_name) == "emails"


@pytest.mark.parametrize("task_name", DEFAULT_TASKS)
def test_pdfs_exports_and_sweeps_stay_on_the_default_queue(task_name: str) -> None:
    assert routed_queue(task_name) == celery_app.conf.task_default_queue == "celery"


def test_the_email_worker_serves_the_emails_queue_on_threads_with_late_acks() -> None:
    argv = worker_argv("worker-email")

    assert argv[:4] == ["celery", "-A", "storefront", "worker"]
    assert option(argv, "-Q") == routed_queue("storefront.tasks.email_send")
    assert option(argv, "-P") == "threads" and option(argv, "-c") == "8"
    # The store's defaults hold on this worker too: a message is acked after the delivery, and a
    # worker lost mid-delivery leaves it on the queue.
    assert celery_app.conf.task_acks_late is True and email_send.acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


def test_the_default_worker_serves_only_the_default_queue_on_prefork() -> None:
    argv = worker_argv("worker")

    assert option(argv, "-Q") == celery_app.conf.task_default_queue
    # prefork is Celery's default pool: time limits are enforced and PDFs run in parallel.
    assert option(argv, "-P") is None and "--pool" not in argv


@pytest.mark.parametrize("service", ["worker", "worker-email"])
def test_a_worker_leaves_out_the_worker_to_worker_traffic_and_keeps_remote_control(service: str) -> None:
    """Gossip, mingle and heartbeat events serve nothing here; the compose healthcheck is `inspect ping`."""
    argv = worker_argv(service)

    assert {"--without-gossip", "--without-mingle", "--without-heartbeat"} <= set(argv)
    assert celery_app.conf.worker_enable_remote_control is True


def test_a_worker_logs_each_task_when_it_ends_not_when_it_takes_it() -> None:
    """The line at the end names the task and its id (succeeded, retried or failed)."""
    assert not logging.getLogger("celery.worker.strategy").isEnabledFor(logging.INFO)
    assert logging.getLogger("celery.app.trace").isEnabledFor(logging.INFO)


def test_every_routed_queue_has_a_worker() -> None:
    served = {option(worker_argv(service), "-Q") for service in ("worker", "worker-email")}

    assert {routed_queue(name) for name in (*EMAIL_TASKS, *DEFAULT_TASKS)} == served


def test_run_eagerly_an_email_is_still_delivered_in_the_process(db, django_capture_on_commit_callbacks) -> None:
    """Without a broker (make run, the tests) the route is ignored: the task runs where it is queued."""
    assert celery_app.conf.task_always_eager is True

    with django_capture_on_commit_callbacks(execute=True):
        email = email_store(to="eager@example.test", subject="Eager", body_text="Hello\n")

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert [message.subject for message in mail.outbox] == ["Eager"]
