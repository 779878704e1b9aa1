"""Account emails: plain text plus HTML from templates/users/email/, queued by one function.

Templates are `<name>_subject.txt`, `<name>.txt` and `<name>.html`; their context holds strings
only (the address, a link), so a message can be handed to a background job as it is.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.jobs.tasks import send_email
from apps.users.models import User


def account_link(*, page: str, user: User, tokens: PasswordResetTokenGenerator) -> str:
    """FRONTEND_URL/<page>?uid=…&token=…: the front end posts uid and token back to the API."""
    query = urlencode({"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": tokens.make_token(user)})
    return f"{settings.FRONTEND_URL}/{page}?{query}"


def send_account_email(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Renders one account email and queues it for the worker. The only place account emails leave.

    The request only writes a job row, so a slow or dead mail server neither delays nor changes the
    API's answer (either would tell a caller whether an address has an account); the worker sends
    with EMAIL_TIMEOUT and retries with backoff. Inside the request's transaction, a rolled-back
    request queues nothing.
    """
    context = {**context, "email": to}
    send_email.enqueue(
        subject=render_to_string(f"users/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"users/email/{template}.txt", context),
        html_body=render_to_string(f"users/email/{template}.html", context),
        to=[to],
    )
