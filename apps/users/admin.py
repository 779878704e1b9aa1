from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError

from apps.users.models import User
from apps.users.throttling import AuthRateThrottle


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, counted against the same `auth` limit as the API's logins.

    The check runs before the password is, so past the limit even the right password is refused.
    """

    def clean(self) -> dict[str, Any]:
        throttle = AuthRateThrottle()
        if not throttle.allow_request(self.request, None):
            raise ValidationError(
                "Too many login attempts. Try again in %(seconds)d seconds.",
                code="throttled",
                params={"seconds": throttle.wait()},
            )
        return super().clean()


admin.site.login_form = ThrottledAdminAuthenticationForm


class UserCreationByEmailForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeByEmailForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeByEmailForm
    add_form = UserCreationByEmailForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "email_verified", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "email_verified", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
