"""A real SMTP server for tests (aiosmtpd) that keeps what it receives, subjects decoded."""

from __future__ import annotations

import email
import email.policy
import socket


class Briefkasten:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.post: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        """Store the message."""
        self.post.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def freier_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
