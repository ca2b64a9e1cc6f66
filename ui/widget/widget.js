/*
 * VVP-assistent website widget: one tag adds a "Vraag het de VVP" button and a chat panel.
 *
 *   <script src="https://HOST/widget.js" data-title="Vraag het de VVP" defer></script>
 *
 * Optional attributes: data-title (button and panel title), data-api (base URL of the
 * assistant; default: the address this script was loaded from, without "/widget.js").
 *
 * Plain JavaScript, no build step, no requests other than to the assistant's own API.
 * Styles live in a shadow DOM (mode "open") so the host page and the widget cannot restyle
 * each other. All data (answers, document titles, quotes) is rendered with textContent.
 */
(function () {
  "use strict";

  // Captured at top level: document.currentScript is only set while this file executes.
  var SCRIPT = document.currentScript || findOwnScript();

  var LABELS = {
    title: "Vraag het de VVP",
    intro: "Antwoorden uit de documenten van de VVP, telkens met de bronnen erbij.",
    close: "Sluit het venster",
    newConversation: "Nieuw gesprek",
    log: "Gesprek",
    you: "Jij:",
    assistant: "VVP-assistent:",
    inputLabel: "Je vraag",
    inputHint: "Enter verstuurt, Shift+Enter voor een nieuwe regel.",
    placeholder: "Bijvoorbeeld: Wat is de missie van de VVP?",
    send: "Verstuur",
    thinking: "Even zoeken in de documenten…",
    sources: "Bronnen",
    suggestions: "Deze passages komen het dichtst in de buurt:",
    section: "Onderdeel",
    page: "p. ",
    openInNewTab: " (opent in een nieuw tabblad)",
    empty: "Stel een vraag: de vraag is leeg.",
    tooMany: "Te veel vragen in korte tijd. Probeer het over enkele ogenblikken opnieuw.",
    network: "De VVP-assistent is niet bereikbaar. Controleer je internetverbinding en probeer het opnieuw.",
    notAllowed: "De VVP-assistent mag op deze website (nog) niet gebruikt worden: dit webadres is niet toegelaten. " +
      "Voor de beheerder van de assistent: voeg {origin} toe aan VVP_ALLOWED_ORIGINS.",
    failed: "Er ging iets mis bij het verwerken van de vraag. Probeer het later opnieuw.",
    welcome: "Stel je vraag over de VVP of de Vlaamse provincies."
  };

  var BASE = SCRIPT ? apiBase(SCRIPT) : "";
  if (!BASE || window.__vvpWidget) {
    return; // no usable http(s) address for the assistant, or the widget is already on the page
  }
  window.__vvpWidget = true;

  var TITLE = (SCRIPT.getAttribute("data-title") || "").trim() || LABELS.title;
  var STORAGE_KEY = "vvp-widget-conversation:" + BASE;

  function findOwnScript() {
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?|#|$)/.test(scripts[i].src || "")) {
        return scripts[i];
      }
    }
    return null;
  }

  function apiBase(script) {
    var given = (script.getAttribute("data-api") || "").trim();
    try {
      var url = new URL(given || script.src, document.baseURI);
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        return "";
      }
      if (given) {
        return url.href.replace(/\/+$/, "");
      }
      // The server is where this script came from: its URL without "widget.js" (keeps a path prefix).
      return (url.origin + url.pathname).replace(/\/widget\.js$/, "").replace(/\/+$/, "");
    } catch (error) {
      return "";
    }
  }

  // ---- conversation id for this browser tab ---------------------------------------------------
  function loadConversation() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) || "";
    } catch (error) {
      return "";
    }
  }

  function saveConversation(id) {
    try {
      if (id) {
        window.sessionStorage.setItem(STORAGE_KEY, id);
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      /* storage unavailable (private mode): the conversation lasts as long as the page */
    }
    conversationId = id || "";
  }

  var conversationId = loadConversation();

  // ---- styles ---------------------------------------------------------------------------------
  // Contrast: white on #0b5f6b 7.3:1, white on #063c45 12.1:1, #1a2b2e on white 14.7:1,
  // #4a5d61 on white 6.9:1. Focus: dark outline with a white ring, visible on any background.
  var CSS = [
    ":host { all: initial; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif;",
    "  font-size: 16px; line-height: 1.5; color: #1a2b2e; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; display: inline-flex;",
    "  align-items: center; gap: 8px; min-height: 48px; padding: 10px 18px; border: 2px solid #ffffff;",
    "  border-radius: 24px; background: #0b5f6b; color: #ffffff; font: inherit; font-weight: 600;",
    "  cursor: pointer; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25); }",
    ".launcher:hover { background: #063c45; }",
    ".launcher svg { width: 20px; height: 20px; flex: none; }",
    "button:focus-visible, textarea:focus-visible, a:focus-visible, .log:focus-visible {",
    "  outline: 3px solid #063c45; outline-offset: 2px; box-shadow: 0 0 0 2px #ffffff; }",
    ".panel .header button:focus-visible { outline-color: #ffffff; box-shadow: 0 0 0 2px #063c45; }",
    ".panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483000; display: flex;",
    "  flex-direction: column; width: min(420px, calc(100vw - 24px)); height: min(620px, calc(100vh - 110px));",
    "  background: #ffffff; border: 1px solid #b3dde2; border-radius: 10px; overflow: hidden;",
    "  box-shadow: 0 10px 34px rgba(0, 0, 0, 0.28); transition: opacity 160ms ease, transform 160ms ease; }",
    ".panel[hidden] { display: none; }",
    ".panel.opening { opacity: 0; transform: translateY(12px); }",
    ".header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px;",
    "  background: #063c45; color: #ffffff; border-bottom: 3px solid #f5b700; }",
    ".header h2 { flex: 1; margin: 0; font-size: 18px; font-weight: 700; color: #ffffff; }",
    ".header button { min-height: 36px; min-width: 36px; padding: 4px 10px; border: 1px solid #ffffff;",
    "  border-radius: 6px; background: transparent; color: #ffffff; font: inherit; font-size: 14px; cursor: pointer; }",
    ".header button:hover { background: #0b5f6b; }",
    ".header .close { font-size: 22px; line-height: 1; padding: 2px 10px; }",
    ".intro { margin: 0; padding: 8px 16px; background: #eef6f7; color: #1a2b2e; font-size: 14px; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px 16px; display: flex; flex-direction: column; gap: 10px; }",
    ".msg { max-width: 92%; padding: 8px 12px; border-radius: 10px; overflow-wrap: anywhere; }",
    ".msg p { margin: 0; white-space: pre-wrap; }",
    ".msg.user { align-self: flex-end; background: #0b5f6b; color: #ffffff; }",
    ".msg.bot { align-self: flex-start; background: #f3f7f7; border: 1px solid #d9eef0; }",
    ".msg.error { align-self: stretch; background: #fdecec; border: 1px solid #8a1c1c; color: #8a1c1c; font-weight: 600; }",
    ".msg .notice { margin-top: 6px; font-style: italic; color: #4a5d61; }",
    ".msg h3 { margin: 10px 0 4px; font-size: 15px; color: #063c45; }",
    ".msg ol { margin: 0; padding-left: 22px; }",
    ".msg li { margin: 0 0 8px; }",
    ".msg a { color: #0b5f6b; font-weight: 600; text-decoration: underline; }",
    ".msg a:hover { color: #063c45; }",
    ".msg .meta { display: block; color: #4a5d61; font-size: 14px; }",
    ".msg blockquote { margin: 4px 0 0; padding: 4px 8px; border-left: 3px solid #f5b700; background: #ffffff;",
    "  font-size: 14px; white-space: pre-wrap; }",
    ".sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;",
    "  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    ".composer { display: grid; grid-template-columns: 1fr auto; gap: 6px 8px; padding: 10px 12px 12px;",
    "  border-top: 1px solid #d9eef0; background: #ffffff; }",
    ".composer label { grid-column: 1 / -1; font-weight: 600; font-size: 14px; }",
    ".composer textarea { width: 100%; min-height: 48px; max-height: 140px; resize: vertical; padding: 8px 10px;",
    "  border: 2px solid #4a5d61; border-radius: 6px; font: inherit; color: #1a2b2e; background: #ffffff; }",
    ".composer .send { align-self: stretch; min-width: 92px; padding: 8px 14px; border: 0; border-radius: 6px;",
    "  background: #0b5f6b; color: #ffffff; font: inherit; font-weight: 600; cursor: pointer; }",
    ".composer .send:hover { background: #063c45; }",
    ".composer .send:disabled { background: #4a5d61; cursor: progress; }",
    ".composer .hint { grid-column: 1 / -1; margin: 0; color: #4a5d61; font-size: 13px; }",
    "@media (max-width: 480px) { .panel { right: 12px; left: 12px; width: auto; bottom: 80px; }",
    "  .launcher { right: 12px; bottom: 12px; } }",
    "@media (prefers-reduced-motion: reduce) { .panel { transition: none; } .panel.opening { transform: none; } }"
  ].join("\n");

  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" ' +
    'd="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm1 4v2h14V8H5zm0 4v2h9v-2H5z"/></svg>';

  // ---- DOM helpers ----------------------------------------------------------------------------
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function documentLink(documentId) {
    return BASE + "/api/documents/" + encodeURIComponent(String(documentId)) + "/file";
  }

  // ---- the widget -----------------------------------------------------------------------------
  var ui = {};
  var busy = false;
  var restored = false;

  function build() {
    var host = el("div", { id: "vvp-assistent-widget" });
    var shadow = host.attachShadow({ mode: "open" });
    var style = el("style", {}, CSS);
    var root = el("div", { "class": "root" });

    ui.launcher = el("button", {
      type: "button", "class": "launcher", "aria-label": TITLE, "aria-expanded": "false",
      "aria-controls": "vvp-panel"
    });
    ui.launcher.innerHTML = ICON; // a constant, no data
    ui.launcher.appendChild(el("span", {}, TITLE));

    ui.panel = el("div", {
      id: "vvp-panel", "class": "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "vvp-title"
    });
    ui.panel.hidden = true;

    var header = el("div", { "class": "header" });
    header.appendChild(el("h2", { id: "vvp-title" }, TITLE));
    ui.reset = el("button", { type: "button", "class": "reset" }, LABELS.newConversation);
    ui.close = el("button", { type: "button", "class": "close", "aria-label": LABELS.close });
    ui.close.appendChild(el("span", { "aria-hidden": "true" }, "\u00d7"));
    header.appendChild(ui.reset);
    header.appendChild(ui.close);

    var intro = el("p", { "class": "intro", id: "vvp-intro" }, LABELS.intro);
    ui.log = el("div", {
      "class": "log", role: "log", "aria-live": "polite", "aria-label": LABELS.log, tabindex: "0"
    });

    ui.form = el("form", { "class": "composer", novalidate: "" });
    ui.form.appendChild(el("label", { "for": "vvp-input" }, LABELS.inputLabel));
    ui.input = el("textarea", {
      id: "vvp-input", rows: "2", placeholder: LABELS.placeholder, "aria-describedby": "vvp-hint",
      maxlength: "2000", autocomplete: "off"
    });
    ui.send = el("button", { type: "submit", "class": "send" }, LABELS.send);
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.send);
    ui.form.appendChild(el("p", { "class": "hint", id: "vvp-hint" }, LABELS.inputHint));

    ui.panel.appendChild(header);
    ui.panel.appendChild(intro);
    ui.panel.appendChild(ui.log);
    ui.panel.appendChild(ui.form);
    root.appendChild(ui.panel);
    root.appendChild(ui.launcher);
    shadow.appendChild(style);
    shadow.appendChild(root);
    document.body.appendChild(host);

    ui.launcher.addEventListener("click", function () {
      if (ui.panel.hidden) {
        open();
      } else {
        close();
      }
    });
    ui.close.addEventListener("click", close);
    ui.reset.addEventListener("click", newConversation);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit();
    });
  }

  function open() {
    ui.panel.hidden = false;
    ui.panel.classList.add("opening");
    ui.launcher.setAttribute("aria-expanded", "true");
    window.requestAnimationFrame(function () {
      ui.panel.classList.remove("opening");
    });
    ui.input.focus();
    if (!restored) {
      restored = true;
      restore();
    }
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function newConversation() {
    saveConversation("");
    ui.log.textContent = "";
    ui.log.appendChild(botNote(LABELS.welcome));
    ui.input.focus();
  }

  // ---- messages -------------------------------------------------------------------------------
  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function userMessage(text) {
    var node = el("div", { "class": "msg user" });
    node.appendChild(el("span", { "class": "sr-only" }, LABELS.you + " "));
    node.appendChild(el("p", {}, text));
    ui.log.appendChild(node);
    scrollDown();
  }

  function botNote(text) {
    var node = el("div", { "class": "msg bot" });
    node.appendChild(el("p", {}, text));
    return node;
  }

  function botMessage() {
    var node = el("div", { "class": "msg bot" });
    node.appendChild(el("span", { "class": "sr-only" }, LABELS.assistant + " "));
    var text = el("p", { "class": "answer" }, LABELS.thinking);
    node.appendChild(text);
    ui.log.appendChild(node);
    scrollDown();
    return { node: node, text: text };
  }

  function errorMessage(message, bubble) {
    var node = el("div", { "class": "msg error" });
    node.appendChild(el("p", {}, message));
    if (bubble && bubble.node.parentNode) {
      bubble.node.parentNode.replaceChild(node, bubble.node);
    } else {
      ui.log.appendChild(node);
    }
    scrollDown();
  }

  function renderAnswer(bubble, answer) {
    bubble.text.textContent = answer.answer || "";
    if (answer.notice) {
      bubble.node.appendChild(el("p", { "class": "notice" }, answer.notice));
    }
    var citations = answer.citations || [];
    var suggestions = answer.suggestions || [];
    if (citations.length) {
      appendSources(bubble.node, LABELS.sources, citations);
    } else if (suggestions.length) {
      appendSources(bubble.node, LABELS.suggestions, suggestions);
    }
    // Show the start of the answer, not the end of its sources list.
    ui.log.scrollTop = Math.max(0, bubble.node.offsetTop - ui.log.offsetTop - 8);
  }

  function appendSources(node, heading, citations) {
    node.appendChild(el("h3", {}, heading));
    var list = el("ol", { "class": "sources" });
    citations.forEach(function (citation) {
      var item = el("li");
      if (typeof citation.n === "number") {
        item.value = citation.n;
      }
      var link = el("a", {
        href: documentLink(citation.document_id), target: "_blank", rel: "noopener noreferrer"
      }, citation.title || citation.document_id);
      link.appendChild(el("span", { "class": "sr-only" }, LABELS.openInNewTab));
      item.appendChild(link);
      var meta = [];
      if (citation.section) {
        meta.push(LABELS.section + ": " + citation.section);
      }
      if (citation.page) {
        meta.push(LABELS.page + citation.page);
      }
      if (meta.length) {
        item.appendChild(el("span", { "class": "meta" }, meta.join(" · ")));
      }
      if (citation.quote) {
        item.appendChild(el("blockquote", {}, "\u201c" + citation.quote + "\u201d"));
      }
      list.appendChild(item);
    });
    node.appendChild(list);
  }

  // ---- talking to the API ---------------------------------------------------------------------
  function submit() {
    var question = ui.input.value.trim();
    if (busy) {
      return;
    }
    if (!question) {
      errorMessage(LABELS.empty);
      return;
    }
    ui.input.value = "";
    userMessage(question);
    ask(question, true);
  }

  function setBusy(value) {
    busy = value;
    ui.send.disabled = value;
    ui.log.setAttribute("aria-busy", value ? "true" : "false");
  }

  function ask(question, mayRetry) {
    var bubble = botMessage();
    setBusy(true);
    var body = { question: question };
    if (conversationId) {
      body.conversation_id = conversationId;
    }
    fetch(BASE + "/api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify(body),
      credentials: "omit",
      mode: "cors"
    }).then(function (response) {
      if (response.ok && response.body) {
        return readStream(response.body, bubble);
      }
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        if (response.status === 404 && conversationId && mayRetry) {
          // The conversation expired on the server: start a new one with the same question.
          saveConversation("");
          bubble.node.parentNode.removeChild(bubble.node);
          setBusy(false);
          ask(question, false);
          return "retried";
        }
        errorMessage(httpError(response.status, data), bubble);
        return "failed";
      });
    }).catch(function () {
      return failureReason().then(function (message) {
        errorMessage(message, bubble);
      });
    }).then(function (outcome) {
      if (outcome !== "retried") {
        setBusy(false);
      }
    });
  }

  function notAllowedMessage() {
    return LABELS.notAllowed.replace("{origin}", window.location.origin);
  }

  // A refused cross-origin request and a network failure look the same to fetch (a TypeError).
  // A "no-cors" request is not subject to CORS: if the server answers it, the server is reachable
  // and the browser refused the answer because this site's origin is not allowed.
  function failureReason() {
    return fetch(BASE + "/widget.js", { method: "HEAD", mode: "no-cors", credentials: "omit", cache: "no-store" })
      .then(function () {
        return notAllowedMessage();
      }, function () {
        return LABELS.network;
      });
  }

  function httpError(status, data) {
    if (status === 429) {
      return LABELS.tooMany;
    }
    if (status === 403) {
      return notAllowedMessage();
    }
    if ((status === 400 || status === 422) && data && typeof data.detail === "string") {
      return data.detail;
    }
    return LABELS.failed;
  }

  function readStream(stream, bubble) {
    var reader = stream.getReader();
    var decoder = new TextDecoder("utf-8");
    var buffer = "";
    var streamed = "";
    var finished = false;

    function handle(block) {
      var name = "message";
      var data = [];
      block.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("event:") === 0) {
          name = line.slice(6).trim();
        } else if (line.indexOf("data:") === 0) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
      });
      if (!data.length) {
        return;
      }
      var payload;
      try {
        payload = JSON.parse(data.join("\n"));
      } catch (error) {
        return;
      }
      if (name === "token") {
        streamed += String(payload);
        bubble.text.textContent = streamed;
        scrollDown();
      } else if (name === "done") {
        finished = true;
        if (payload.conversation_id) {
          saveConversation(payload.conversation_id);
        }
        renderAnswer(bubble, payload);
      } else if (name === "error") {
        finished = true;
        errorMessage((payload && payload.detail) || LABELS.failed, bubble);
      }
    }

    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          buffer += decoder.decode();
          if (buffer.trim()) {
            handle(buffer);
          }
          if (!finished) {
            errorMessage(LABELS.failed, bubble);
          }
          return "done";
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop();
        blocks.forEach(handle);
        return pump();
      });
    }

    return pump();
  }

  // Earlier turns of this tab's conversation, so a page change does not lose the thread.
  function restore() {
    if (!conversationId) {
      ui.log.appendChild(botNote(LABELS.welcome));
      return;
    }
    fetch(BASE + "/api/conversations/" + encodeURIComponent(conversationId), { credentials: "omit", mode: "cors" })
      .then(function (response) {
        if (response.status === 404) {
          saveConversation("");
        }
        return response.ok ? response.json() : null;
      })
      .then(function (conversation) {
        var turns = (conversation && conversation.turns) || [];
        if (!turns.length) {
          ui.log.appendChild(botNote(LABELS.welcome));
        }
        turns.forEach(function (turn) {
          userMessage(turn.question);
          renderAnswer(botMessage(), turn.answer || {});
        });
      })
      .catch(function () {
        ui.log.appendChild(botNote(LABELS.welcome));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", build);
  } else {
    build();
  }
})();
