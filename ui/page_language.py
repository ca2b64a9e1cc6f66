"""A Dutch chat page whatever the browser's language: Gradio's own texts, `lang`, screen-reader labels.

Gradio 6.31 picks its interface language from `navigator.language` and offers no setting to fix
it; its frontend module `core-<hash>.js` exports `changeLocale`, which its own settings page uses
to switch language (and which sets `<html lang>`). `page_script()` is the Blocks `js` that calls
it with "nl" once the app is up, and gives every chat message a clean Dutch `aria-label`:
Gradio labels a message "bot's message: " plus its raw Markdown source, entities included.
`translations()` fills in what Gradio's Dutch table lacks, as `gr.I18n` custom translations.

>>> "changeLocale" in page_script()
True
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import gradio as gr

from ui import labels

LOCALE = "nl"
_ASSETS = Path(gr.__file__).resolve().parent / "templates" / "frontend" / "assets"
_EXPORTS_CHANGE_LOCALE = re.compile(r"\bas changeLocale\b")


@lru_cache(maxsize=1)
def core_module() -> str:
    """The frontend module of the installed Gradio that exports `changeLocale`, relative to the root."""
    for path in sorted(_ASSETS.glob("core-*.js")):
        if _EXPORTS_CHANGE_LOCALE.search(path.read_text(encoding="utf-8", errors="ignore")):
            return f"assets/{path.name}"
    raise RuntimeError(f"No Gradio frontend module exporting changeLocale under {_ASSETS}")


def translations() -> gr.I18n:
    """Gradio's own keys that its Dutch table leaves in English."""
    return gr.I18n(**{LOCALE: dict(labels.GRADIO_TRANSLATIONS)})


def page_script() -> str:
    """The Blocks `js`: switch Gradio to Dutch, keep `lang`, relabel chat messages for screen readers."""
    config = {
        "module": core_module(), "locale": LOCALE, "chat": "#vvp-chat",
        "user": labels.USER_MESSAGE_ARIA, "bot": labels.BOT_MESSAGE_ARIA, "fixed": labels.GRADIO_FIXED_LABELS,
        "prefixes": labels.GRADIO_FIXED_PREFIXES,
    }
    return _SCRIPT.replace("__CONFIG__", json.dumps(config, ensure_ascii=False))


# Runs once after Gradio has rendered. The import resolves against the page's <base href>, so it is
# the very module instance Gradio uses (also behind a path prefix).
_SCRIPT = r"""
() => {
  const config = __CONFIG__;
  import(new URL(config.module, document.baseURI).href)
    .then((core) => core.changeLocale(config.locale))
    .catch((error) => console.error("VVP: Gradio language not switched", error));
  document.documentElement.lang = config.locale;
  const relabel = () => {
    const root = document.documentElement;
    if (root.lang !== config.locale) root.lang = config.locale;
    for (const element of document.querySelectorAll("[aria-label], [title]")) {
      for (const name of ["aria-label", "title"]) {
        const value = element.getAttribute(name);
        if (value === null) continue;
        if (Object.hasOwn(config.fixed, value)) element.setAttribute(name, config.fixed[value]);
        for (const [english, dutch] of Object.entries(config.prefixes)) {
          if (value.startsWith(english)) element.setAttribute(name, dutch + value.slice(english.length));
        }
      }
    }
    // Gradio: "<role>'s message: <raw Markdown>". Ours: a Dutch prefix and the text as shown.
    for (const message of document.querySelectorAll(config.chat + " [aria-label*=\"'s message: \"]")) {
      const role = message.getAttribute("aria-label").startsWith("user's") ? "user" : "bot";
      message.dataset.vvpRole = role;
    }
    for (const message of document.querySelectorAll(config.chat + " [data-vvp-role]")) {
      const text = (message.innerText || message.textContent || "").replace(/\s+/g, " ").trim();
      const label = config[message.dataset.vvpRole] + text;
      if (message.getAttribute("aria-label") !== label) message.setAttribute("aria-label", label);
    }
  };
  let queued = false;
  const schedule = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => { queued = false; relabel(); });
    }
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                              attributes: true, attributeFilter: ["aria-label", "title", "lang"]});
  relabel();
}
"""
