"""Each password rule rejects with its own message."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1", "8 to 25 characters"),
        ("Abcdefgh1" + "x" * 17, "8 to 25 characters"),
        ("12345678", "at least one letter"),
        ("computer*12", "at least one capital letter"),
        ("Computer*xy", "at least one number"),
        ("Carlos*2026", "account holder's name"),
        ("bermudeZ*2026", "account holder's name"),
        ("Acme-Shop-99", "company's name"),
        ("Xacmereseller9", "company's name"),
    ],
)
def test_each_rule_rejects_with_its_own_message(contact, password, message):
    with pytest.raises(ValidationError) as err:
        validate_password(password, contact.user)
    assert any(message in text for text in err.value.messages), err.value.messages


def test_the_help_pages_example_password_is_accepted(contact):
    validate_password("Computer*12", contact.user)


def test_exactly_8_and_exactly_25_characters_are_accepted(contact):
    validate_password("Abcdefg1", contact.user)
    validate_password("Abcdefg1" + "h" * 17, contact.user)


def test_a_password_breaking_several_rules_gets_every_message(contact):
    with pytest.raises(ValidationError) as err:
        validate_password("abc", contact.user)
    assert len(err.value.messages) == 3  # length, capital, number


def test_a_short_name_is_forbidden_as_a_word_not_inside_other_words(contact):
    contact.user.first_name = "Ana"
    validate_password("Banana-Split-7", contact.user)
    with pytest.raises(ValidationError, match="holder"):
        validate_password("Ana-Split-7x", contact.user)


def test_legal_forms_of_the_company_name_are_not_forbidden(contact):
    contact.account.company_name = "Orbit IT S.A.S."
    validate_password("Sassy-Cat-77", contact.user)
    with pytest.raises(ValidationError, match="orbit"):
        validate_password("Orbit-Cat-77", contact.user)
