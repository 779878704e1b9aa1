"""The account services called directly, for the rules the API tests cannot reach or name."""

from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.core.exceptions import PermissionDenied
from apps.users import accounts
from apps.users.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_taken_address_of_a_deactivated_account_gets_no_email(make_user: Callable[..., User]) -> None:
    make_user("gone@example.com", is_active=False)
    accounts.user_register_unverified(email="gone@example.com", password=PASSWORD)
    assert mail.outbox == []
    assert User.objects.count() == 1


def test_a_verification_token_dies_when_the_address_changes(make_user: Callable[..., User]) -> None:
    user = make_user("old@example.com")
    token = accounts.email_verification_token_generator.make_token(user)
    user.email = "new@example.com"
    assert not accounts.email_verification_token_generator.check_token(user, token)


def test_a_reset_token_of_one_user_does_not_open_another(make_user: Callable[..., User]) -> None:
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    with pytest.raises(ValidationError):
        accounts.password_reset_confirm(
            uid=urlsafe_base64_encode(force_bytes(bob.pk)),
            token=default_token_generator.make_token(alice),
            new_password="another-long-passphrase-42",
        )


def test_token_rule_refuses_no_user_and_an_inactive_one(make_user: Callable[..., User]) -> None:
    assert accounts.user_may_obtain_tokens(None) is False
    assert accounts.user_may_obtain_tokens(make_user(is_active=False)) is False


def test_token_rule_ignores_verification_while_it_is_not_required(make_user: Callable[..., User], settings) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION = False
    assert accounts.user_may_obtain_tokens(make_user()) is True
    settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION = True
    with pytest.raises(PermissionDenied):
        accounts.user_may_obtain_tokens(make_user())


def test_accounts_that_exist_before_the_migration_count_as_verified(transactional_db: None) -> None:
    # Switching REGISTRATION_REQUIRE_EMAIL_VERIFICATION on must not lock out earlier accounts.
    before, after = [("users", "0001_initial")], [("users", "0002_user_email_verified")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor.loader.build_graph()
    OldUser = executor.loader.project_state(before).apps.get_model("users", "User")
    OldUser.objects.create(email="early@example.com", password="!")
    executor.migrate(after)
    assert User.objects.get(email="early@example.com").email_verified is True
    assert User.objects.create_user("later@example.com", PASSWORD).email_verified is False
