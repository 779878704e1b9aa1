"""Error reports to Sentry, with the request id as a tag and nothing personal or secret in them.

What leaves the process is limited by what is collected, not only by scrubbing afterwards:
the SDK's default of no PII (user, IP address, cookies), no request bodies, no query strings, no stack-frame
local variables (a local can hold anything, and a request's repr carries its query string).
Headers and any remaining keys that name a secret are scrubbed by the SDK's denylist.
"""

from typing import TYPE_CHECKING, Any

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from apps.core.logging import current_request_id

if TYPE_CHECKING:
    from sentry_sdk._types import Event

# simplejwt's payloads and this API's password fields, on top of the SDK's list.
_DENYLIST = [*DEFAULT_DENYLIST, "access", "refresh", "new_password", "current_password", "jwt", "key"]


def init_sentry(*, dsn: str, environment: str, release: str, sample_rate: float, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        sample_rate=sample_rate,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(denylist=_DENYLIST, recursive=True),
        before_send=_tag_and_trim,
    )


def _tag_and_trim(event: "Event", hint: dict[str, Any]) -> "Event":
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    # A token or reset code in a URL is a secret like any other.
    event.get("request", {}).pop("query_string", None)
    return event
