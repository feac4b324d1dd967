"""Loaded by pytest before Django (`-p tests.environment`): the environment every test runs in.

DATABASE_URL and REDIS_URL come from outside (CI points them at PostgreSQL and Redis); without them the
suite runs on SQLite. Tasks run eagerly in tests; the real broker is exercised by tests/storefront/
test_processes.py, which starts the worker and beat.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
# One process: without REDIS_URL its cache may be its own memory (production refuses to start so).
os.environ.setdefault("LOCAL_CACHE", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# The test server cannot serve a manifest storage's hashed names; htmx would silently fail to load.
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
