"""Account emails: plain text plus HTML from templates/users/email/, sent by one function.

Templates are `<name>_subject.txt`, `<name>.txt` and `<name>.html`; their context holds strings
only (the address, a link), so a message can be handed to a background job as it is.
"""

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.users.models import User

logger = logging.getLogger(__name__)


def account_link(*, page: str, user: User, tokens: PasswordResetTokenGenerator) -> str:
    """FRONTEND_URL/<page>?uid=…&token=…: the front end posts uid and token back to the API."""
    query = urlencode({"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": tokens.make_token(user)})
    return f"{settings.FRONTEND_URL}/{page}?{query}"


def send_account_email(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Renders and sends one account email. The only place account emails leave the process.

    A slow or dead mail server must not change the API's answer (that would tell a caller whether
    an address has an account), so a failure is logged, never raised; EMAIL_TIMEOUT bounds the wait.
    """
    context = {**context, "email": to}
    subject = render_to_string(f"users/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(subject, render_to_string(f"users/email/{template}.txt", context), to=[to])
    message.attach_alternative(render_to_string(f"users/email/{template}.html", context), "text/html")
    try:
        message.send()
    except OSError:  # smtplib's errors and socket timeouts are all OSErrors
        # The message holds a live token: log which email failed, never its content.
        logger.exception("Sending the %s email failed", template)
