"""Sending one email over SMTP. Without MAIL_SERVER the message is written to the log."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from app.core.text import mask_email

log = logging.getLogger("lang_nghe.mail")


class MailError(Exception):
    """The SMTP server refused or could not be reached."""


def send_email(
    *,
    server: str | None,
    port: int,
    sender: str,
    recipient: str,
    subject: str,
    body: str,
    message_id: str,
    timeout: float = 10.0,
) -> str:
    """Send a plain-text email; returns how it went out ("smtp" or "log")."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    # A stable Message-ID lets mail systems drop a copy sent twice after a crash.
    message["Message-ID"] = message_id
    message.set_content(body)
    if not server:
        log.info("MAIL_SERVER not set; email %s to %s not sent", message_id, mask_email(recipient))
        # The text holds tracking links: shown only to a developer who asks for DEBUG.
        log.debug("email %s not sent:\n%s", message_id, message)
        return "log"
    try:
        with smtplib.SMTP(server, port, timeout=timeout) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc
    return "smtp"
