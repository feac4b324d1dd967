from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def spanish_client() -> Client:
    """A visitor who chose Spanish (the language switcher's cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client
