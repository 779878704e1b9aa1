"""Teaches drf-spectacular that our JWT class is simplejwt's Bearer scheme (it matches exact classes only)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class SessionCheckedJWTScheme(SimpleJWTScheme):  # type: ignore[no-untyped-call]
    target_class = "apps.users.authentication.SessionCheckedJWTAuthentication"
