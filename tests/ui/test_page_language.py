"""The chat page's language: Gradio switched to Dutch with its own API, translations for real keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

import gradio as gr

from ui import labels
from ui.page_language import LOCALE, core_module, page_script, translations

ASSETS = Path(gr.__file__).resolve().parent / "templates" / "frontend"


def test_the_core_module_of_the_installed_gradio_exports_change_locale():
    module = ASSETS / core_module()
    assert module.is_file()
    assert re.search(r"\bas changeLocale\b", module.read_text(encoding="utf-8"))


def test_gradio_ships_a_dutch_table():
    assert list((ASSETS / "assets").glob(f"{LOCALE}-*.js")), "Gradio's own Dutch texts"


def test_custom_translations_name_keys_gradio_uses():
    english = (ASSETS / core_module()).read_text(encoding="utf-8")
    for key in labels.GRADIO_TRANSLATIONS:
        namespace, name = key.split(".")
        assert re.search(rf"\b{name}:`", english), f"{key} is not a key of Gradio's English table"
    assert translations().translations_dict == {LOCALE: labels.GRADIO_TRANSLATIONS}


def test_fixed_labels_are_labels_gradio_writes():
    sources = " ".join(path.read_text(encoding="utf-8", errors="ignore") for path in (ASSETS / "assets").glob("*.js"))
    for english in [*labels.GRADIO_FIXED_LABELS, *labels.GRADIO_FIXED_PREFIXES]:
        assert english in sources, english


def test_the_page_script_carries_the_dutch_labels_and_the_module():
    script = page_script()
    config = json.loads(script[script.index("const config = ") + len("const config = "):].split(";\n", 1)[0])
    assert config["module"] == core_module() and config["locale"] == "nl"
    assert config["bot"] == labels.BOT_MESSAGE_ARIA and config["fixed"]["chatbot conversation"] == "Gesprek"
