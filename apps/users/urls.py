from django.urls import path

from apps.users import account_views, views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/register/", views.RegistrationView.as_view(), name="register"),
    path("users/me/", views.MeView.as_view(), name="me"),
    path("users/me/password/", views.PasswordChangeView.as_view(), name="password-change"),
]

urlpatterns += [
    path("auth/password/reset/", account_views.PasswordResetRequestView.as_view(), name="password-reset"),
    path(
        "auth/password/reset/confirm/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("auth/email/verify/", account_views.EmailVerifyView.as_view(), name="email-verify"),
    path("auth/email/verify/resend/", account_views.EmailVerificationResendView.as_view(), name="email-verify-resend"),
]
