"""The fault suite (`make faults`): nothing lost, nothing sent twice, when the store's parts fail.

`python -m faults` prepares its own PostgreSQL database (storefront_faults, dropped and created:
migrate, seed_demo, ten reseller contacts of bench/load.py), starts its own Redis on a free port,
gunicorn (2 workers), a Celery worker and beat under production settings (DEBUG off), and an SMTP sink
on loopback in a thread of its own process (faults/sink.py). Resellers sign in and press "Finish order" over HTTP.
Each fault (faults/cases.py) breaks a process the suite started, keeps ordering, mends it, and checks
the ledger (faults/ledger.py, on top of bench/load.py's): every answered order is in the database,
one per submission key, credit and stock moved by exactly the orders' amounts and within limits, and
every order's email received at the sink exactly once (by Message-ID), or refused for good where the
fault says so.

| fault | what is done | what must hold |
| --- | --- | --- |
| redis | Redis stopped (SIGTERM) for --redis-down-seconds (60 s, the issue's minute), restarted empty; four resellers order meanwhile, each at most once every 0.25 s | every Finish order placed, none slower than 10 s; the emails sent after Redis is back (the sweep) |
| redis-frozen | Redis SIGSTOPped for 10 s (connections open, nothing answered) while the email worker's threads each hold a sent message at the sink, then SIGCONT | every Finish order placed within 10 s: the timeouts bound the wait (Celery #4296); the acks that met the frozen Redis don't stop the worker: every email sent once |
| worker-stopped | worker stopped (warm), --orders (200) placed, worker started | 200 orders, 200 emails, none twice |
| worker-killed | the sink holds a message's final "." ; the worker is SIGKILLed (pool too), a new one started | the email received once, after the claim expires |
| smtp-451 | every RCPT answered 451 for 8 s | each email retried, received once |
| smtp-550 | one recipient answered 550 | that email failed after one try, listed with its 550 in the admin; the other sent |
| smtp-hang | new connections get no greeting for 8 s | each attempt cut by EMAIL_TIMEOUT (2 s), then sent once |
| db-killed | the order's backend terminated (pg_terminate_backend) while it waits on a row another session holds | nothing of the order kept; the same form again makes one order, a third press answers with it |

What "once" means: the outbox is at-least-once with a claim (storefront/emails.py). A worker killed
before the server accepted the message (the case the sink stages) sends it again after the claim
expires: once at the sink. A worker killed in the instant between the server's 250 and its UPDATE of
sent_at would send a second copy, with the same Message-ID; the store prefers that to losing an
order's email, which at-most-once would.

The suite shortens the outbox's timings so recovery fits in minutes (production's in brackets):
EMAIL_TIMEOUT 2 s [20], sweep every 2 s [60], retry after 5 s [120], claim 20 s [300].

The figures of a full run and what the store guarantees are in docs/reliability.md ("Faults"), beside
the reliability load (bench/reliability.py), which runs on this suite's stack and sink without
breaking anything: resellers contending for credit and stock, double submits.
"""
