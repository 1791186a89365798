"""A real SMTP server for the tests (aiosmtpd), on this project's test port range.

Mail goes through Django's SMTP backend to it, and the tests read what arrived as a
mail program would: parsed messages with their headers and parts."""

import email
import email.policy
import logging
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller

# The ports the e-mail tests may use (one at a time, the first free one).
PORTS = range(18400, 18450)


class Inbox:
    """Every message the server accepted, in order."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        # True: refuse every message; or a set of addresses whose mail is refused.
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse is True or (self.refuse and set(envelope.rcpt_tos) & self.refuse):
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def _free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1} for the SMTP server.")


@contextmanager
def smtp_server(settings):
    """Start the server, point Django's default mailer at it, stop it afterwards."""
    inbox = Inbox()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


def parts(message):
    """(plain text, HTML) of a message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html
