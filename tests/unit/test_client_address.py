"""The client's address behind N trusted proxies: the N-th X-Forwarded-For entry from the right."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from unit.audit import client_ip
from unit.client_address import forwarded_client

PROXY = "127.0.0.1"


@pytest.mark.parametrize(("forwarded_for", "trusted", "expected"), [
    # No trusted proxy: the header is the client's own text, the connection's peer is the client.
    ("", 0, PROXY),
    ("198.51.100.7", 0, PROXY),
    # One nginx: it appended the address it saw, the rightmost entry.
    ("203.0.113.5", 1, "203.0.113.5"),
    ("198.51.100.7, 203.0.113.5", 1, "203.0.113.5"),
    ("10.0.0.1,198.51.100.7 ,  203.0.113.5", 1, "203.0.113.5"),
    # Two proxies (a load balancer, then nginx): the second entry from the right.
    ("198.51.100.7, 203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
    ("203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
    ("2001:db8::1, 10.0.0.2", 2, "2001:db8::1"),
    # Fewer entries than proxies: the request did not come through them, the peer is the client.
    ("", 1, PROXY),
    ("   ", 1, PROXY),
    ("10.0.0.2", 2, PROXY),
    # A trusted position holding something that is not an address gives no address, not a guess.
    ("198.51.100.7, unknown", 1, None),
    ("198.51.100.7, 203.0.113.5:4431", 1, None),
    ("198.51.100.7,", 1, None),
])
def test_forwarded_client_takes_the_entry_the_trusted_proxies_wrote(forwarded_for, trusted, expected):
    assert forwarded_client(PROXY, forwarded_for, trusted) == expected


def test_an_invalid_peer_gives_no_address():
    assert forwarded_client("not-an-address", "203.0.113.5", 0) is None


@pytest.mark.parametrize("trusted", [0, 1, 2])
def test_lockout_and_audit_read_the_same_address(settings, trusted):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    expected = {0: PROXY, 1: "203.0.113.5", 2: "198.51.100.7"}[trusted]
    assert get_client_ip_address(request) == client_ip(request) == expected


def test_without_configuration_no_forwarded_header_is_believed():
    from django.conf import settings

    assert settings.TRUSTED_PROXY_COUNT == 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert get_client_ip_address(request) == "192.0.2.10"
