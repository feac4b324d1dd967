"""Per-address limits count each client, also behind the load balancer (and cannot be spoofed)."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory


@pytest.fixture
def request_from():
    factory = RequestFactory()

    def make(remote: str, forwarded: str = ""):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return factory.get("/", REMOTE_ADDR=remote, **headers)

    return make


def test_without_a_trusted_proxy_the_connections_address_counts_and_forwarded_headers_are_ignored(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = request_from("10.0.0.5", forwarded="203.0.113.9")
    assert get_adapter(request).get_client_ip(request) == "10.0.0.5"


def test_behind_the_load_balancer_each_client_is_its_own_address(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = request_from("10.0.0.5", forwarded="203.0.113.9")
    second = request_from("10.0.0.5", forwarded="198.51.100.7")
    # A client that sends its own X-Forwarded-For only adds addresses on the left: the balancer's
    # entry, the rightmost, is what counts.
    spoofed = request_from("10.0.0.5", forwarded="1.1.1.1, 198.51.100.7")
    assert [get_adapter(r).get_client_ip(r) for r in (first, second, spoofed)] == ["203.0.113.9", "198.51.100.7", "198.51.100.7"]


def test_the_compose_file_trusts_the_one_load_balancer():
    from pathlib import Path

    import yaml
    from django.conf import settings as django_settings

    compose = yaml.safe_load((Path(django_settings.BASE_DIR) / "docker-compose.yml").read_text())
    assert compose["x-app-environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
