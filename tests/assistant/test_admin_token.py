"""The one admin token check, used by the API's `require_admin` and the Beheer tab."""

from __future__ import annotations

from assistant.admin_token import token_matches


def test_admin_token_is_compared_in_constant_time_and_required():
    assert token_matches("geheim", "geheim") and token_matches(" geheim ", "geheim")
    assert not token_matches("fout", "geheim") and not token_matches("geheim ", "geheim!")
    assert not token_matches("", "geheim") and not token_matches("geheim", None) and not token_matches(None, "")


def test_the_beheer_tab_and_the_api_use_the_same_check():
    import assistant.api.security as security
    import ui.admin as admin

    assert admin.token_matches is token_matches and security.token_matches is token_matches
