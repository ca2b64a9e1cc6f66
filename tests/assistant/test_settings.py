"""Settings: every field is documented, in the code and in the README's configuration table."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 10, name


def test_the_readme_configuration_table_lists_every_setting_and_nothing_else():
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `VVP_")]
    documented = {line.split("`")[1] for line in table}
    assert documented == {f"VVP_{name.upper()}" for name in Settings.model_fields}


def test_allowed_origins_are_read_comma_separated(monkeypatch):
    monkeypatch.setenv("VVP_ALLOWED_ORIGINS", "https://www.vvp.be/, https://example.org")
    assert Settings(_env_file=None).allowed_origins == ["https://www.vvp.be", "https://example.org"]
