"""The client's address behind the reverse proxies the deployment trusts, for the lockout and the audit alike."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest


def forwarded_client(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client address, or None when it is not a valid IP address.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For (nginx's
    `$proxy_add_x_forwarded_for`), so the client is the N-th entry from the right: the entries to its
    left were written by the client itself and prove nothing. With no trusted proxy, or with fewer
    entries than proxies (a request that did not come through them), the peer of the connection is
    the client.
    """
    address = remote_addr
    if trusted_proxies > 0:
        entries = [entry.strip() for entry in forwarded_for.split(",")] if forwarded_for.strip() else []
        if len(entries) >= trusted_proxies:
            address = entries[-trusted_proxies]
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent `request` (settings.TRUSTED_PROXY_COUNT proxies in front)."""
    return forwarded_client(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""),
                            settings.TRUSTED_PROXY_COUNT)
