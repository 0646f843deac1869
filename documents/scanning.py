"""The optional virus scan of an upload (off by default: DOCUMENT_SCANNER=""): a clamd daemon reached on
its socket with the INSTREAM command (docs/security.md). No dependency: clamd's protocol is a few lines."""

from __future__ import annotations

import socket
import struct

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """The scanner could not be asked: the upload is refused (fail closed) rather than kept unscanned."""


def scan(content: bytes) -> str | None:
    """None when clean (or no scanner configured); the name of what was found otherwise."""
    scanner = getattr(settings, "DOCUMENT_SCANNER", "")
    if not scanner:
        return None
    if scanner != "clamd":
        raise ImproperlyConfigured(f"DOCUMENT_SCANNER must be '' or 'clamd', not {scanner!r}")
    return clamd_instream(content, settings.CLAMD_ADDRESS, timeout=settings.CLAMD_TIMEOUT_SECONDS)


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _, port = address[len("tcp://"):].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    return sock


def clamd_instream(content: bytes, address: str, *, timeout: float = 30) -> str | None:
    """clamd's INSTREAM: chunks prefixed by their length, a zero length to end; the answer ends in OK or FOUND."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
    except OSError as error:
        raise ScanUnavailable(str(error)) from error
    text = answer.rstrip(b"\0").decode("utf-8", "replace")
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].removesuffix("FOUND").strip() or "FOUND"
    raise ScanUnavailable(text)
