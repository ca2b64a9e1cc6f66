"""The Gradio chat at "/": streamed, cited answers, sources panel, feedback, draft answers, admin.

The UI talks to the assistant layer only: `container.service`, `container.conversations`, and
the admin tab to `container.documents`, the same document service as the document API.

>>> app = mount_ui(FastAPI(), Container(Settings()))     # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no telemetry

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from assistant import DOC_TYPES, Filters, messages  # noqa: E402
from assistant.service import InvalidQuestion, UnknownConversation  # noqa: E402
from ui import labels  # noqa: E402
from ui.admin import build_admin_tab  # noqa: E402
from ui.drafts import draft_docx, draft_markdown, new_draft_path  # noqa: E402
from ui.page_language import page_script, translations  # noqa: E402
from ui.rendering import (  # noqa: E402
    answer_markdown, error_markdown, escape_html, question_markdown, sources_html, streaming_markdown,
)
from ui.theme import CSS_PATH, vvp_theme  # noqa: E402

if TYPE_CHECKING:
    from assistant.container import Container
    from assistant.conversation import ConversationStore
    from assistant.service import AssistantService

log = logging.getLogger(__name__)

HEADER = (f'<header class="vvp-header"><h1>{escape_html(labels.APP_TITLE)}</h1>'
          f"<p>{escape_html(labels.APP_SUBTITLE)}</p></header>")


def mount_ui(app: FastAPI, container: Container) -> FastAPI:
    """Mount the chat UI at "/" of `app` (the API routes registered before it keep priority)."""
    blocks = build_blocks(container)
    return gr.mount_gradio_app(
        app, blocks, path="/", theme=vvp_theme(), css_paths=[CSS_PATH], footer_links=[], run_history=False,
        max_file_size=container.settings.max_upload_bytes, show_error=False, ssr_mode=False, mcp_server=False,
        pwa=False, js=page_script(), i18n=translations(),
    )


def build_blocks(container: Container) -> gr.Blocks:
    chat = ChatHandlers(container.service, container.conversations)
    # Uploaded documents and drafts sit in Gradio's file cache; clear it hourly.
    with gr.Blocks(title=labels.APP_TITLE, analytics_enabled=False, delete_cache=(1800, 3600)) as blocks:
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab(labels.TAB_CHAT):
                chat.build()
            with gr.Tab(labels.TAB_ADMIN):
                build_admin_tab(container)
    return blocks


def _message(role: str, content: str) -> dict[str, Any]:
    return {"role": role, "content": content}


class ChatHandlers:
    """The chat tab: its components and event handlers. Per-session state lives in `gr.State`:
    the conversation id and the turns (message id, question, answer JSON, chat index)."""

    def __init__(self, service: AssistantService, conversations: ConversationStore):
        self.service = service
        self.conversations = conversations

    # ---- layout ------------------------------------------------------------------------------

    def build(self) -> None:
        conversation = gr.State("")
        turns = gr.State([])
        rated = gr.State(None)  # the answer last rated with a thumb, for the optional comment
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chatbot = gr.Chatbot(
                    label=labels.CHAT_LABEL, elem_id="vvp-chat", height=520, layout="bubble",
                    placeholder=labels.CHAT_PLACEHOLDER, examples=[{"text": q} for q in labels.EXAMPLE_QUESTIONS],
                    sanitize_html=True, render_markdown=True, latex_delimiters=[], buttons=[],
                    allow_tags=False, feedback_options=("Like", "Dislike"), autoscroll=True,
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(label=labels.QUESTION_LABEL, placeholder=labels.QUESTION_PLACEHOLDER,
                                          lines=1, max_lines=6, scale=5, elem_id="vvp-question", autofocus=True)
                    send = gr.Button(labels.SEND, variant="primary", scale=1, min_width=110, elem_id="vvp-send")
                with gr.Row(equal_height=True):
                    feedback_status = gr.Markdown(labels.FEEDBACK_HELP, elem_id="vvp-feedback-status")
                    new_chat = gr.Button(labels.NEW_CONVERSATION, variant="secondary", size="md", scale=0,
                                         min_width=160, elem_id="vvp-new-chat")
                with gr.Group(visible=False) as comment_group:
                    comment = gr.Textbox(label=labels.FEEDBACK_COMMENT_LABEL,
                                         placeholder=labels.FEEDBACK_COMMENT_PLACEHOLDER, lines=2, max_lines=6)
                    send_comment = gr.Button(labels.FEEDBACK_SEND, size="sm")
            with gr.Column(scale=2, min_width=300):
                doc_types = gr.CheckboxGroup(
                    choices=[(labels.DOC_TYPE_LABELS.get(t, t), t) for t in DOC_TYPES], label=labels.FILTER_LABEL,
                    info=labels.FILTER_INFO, elem_id="vvp-doc-types",
                )
                sources = gr.HTML(sources_html(None), elem_id="vvp-sources")
                with gr.Accordion(labels.DRAFT_TITLE, open=False, elem_id="vvp-draft"):
                    gr.Markdown(labels.DRAFT_HELP)
                    draft_pick = gr.Dropdown(choices=[], value=None, label=labels.DRAFT_PICK_LABEL,
                                             info=labels.DRAFT_PICK_INFO, interactive=True, elem_id="vvp-draft-pick")
                    make_draft = gr.Button(labels.DRAFT_BUTTON, variant="secondary", elem_id="vvp-draft-button")
                    draft_text = gr.Textbox(label=labels.DRAFT_MARKDOWN_LABEL, lines=10, max_lines=30,
                                            buttons=["copy"], interactive=False, elem_id="vvp-draft-text")
                    draft_file = gr.DownloadButton(labels.DRAFT_DOCX_LABEL, visible=False, elem_id="vvp-draft-docx")

        ask_inputs = [question, chatbot, conversation, turns, doc_types]
        ask_outputs = [question, chatbot, conversation, turns, sources]
        question.submit(self.ask, ask_inputs, ask_outputs)
        send.click(self.ask, ask_inputs, ask_outputs)
        chatbot.example_select(self.pick_example, None, question).then(self.ask, ask_inputs, ask_outputs)
        chatbot.select(self.show_sources, [turns], [sources])
        chatbot.like(self.rate, [turns], [feedback_status, comment_group, comment, rated])
        send_comment.click(self.comment, [rated, comment], [feedback_status, comment_group, comment, rated])
        reset_outputs = [chatbot, conversation, turns, sources, feedback_status, comment_group, rated, draft_text,
                         draft_file]
        new_chat.click(self.reset, None, reset_outputs)
        chatbot.clear(self.reset, None, reset_outputs)
        turns.change(self.draft_choices, [turns], [draft_pick])
        make_draft.click(self.draft, [turns, draft_pick], [draft_text, draft_file])

    # ---- handlers ----------------------------------------------------------------------------

    def ask(self, question: str, history: list, conversation_id: str, turns: list, doc_types: list[str] | None):
        """Stream one answer into the chat; the finished answer replaces the streamed text."""
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = [*(history or []), _message("user", question_markdown(question)),
                   _message("assistant", labels.THINKING)]
        yield "", history, conversation_id, turns, gr.skip()
        if conversation_id and not self.conversations.exists(conversation_id):
            conversation_id = ""  # purged by the retention policy: start a new conversation
        filters = Filters(doc_type=tuple(t for t in doc_types or () if t in DOC_TYPES))
        answer = None
        streamed = ""
        try:
            for event in self.service.ask_stream(question, conversation_id or None, filters=filters):
                if event.name == "token":
                    streamed += str(event.data)
                    history[-1] = _message("assistant", streaming_markdown(streamed))
                    yield gr.skip(), history, conversation_id, turns, gr.skip()
                elif event.name == "done":
                    answer = event.data.to_json()
        except (InvalidQuestion, UnknownConversation) as error:
            history[-1] = _message("assistant", error_markdown(error.message))
            yield gr.skip(), history, conversation_id, turns, gr.skip()
            return
        except Exception:
            log.exception("chat answer failed")
            history[-1] = _message("assistant", error_markdown(messages.INTERNAL_ERROR))
            yield gr.skip(), history, conversation_id, turns, gr.skip()
            return
        if answer is None:
            return
        history[-1] = _message("assistant", answer_markdown(answer))
        turn = {"message_id": answer["message_id"], "conversation_id": answer["conversation_id"],
                "question": question, "answer": answer, "index": len(history) - 1}
        turns = [*turns, turn]
        yield gr.skip(), history, answer["conversation_id"], turns, sources_html(answer, len(turns))

    @staticmethod
    def pick_example(event: gr.SelectData) -> str:
        value = event.value
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    @staticmethod
    def show_sources(turns: list, event: gr.SelectData):
        turn_number, turn = _turn_at(turns, event.index)
        if turn is None:
            return gr.skip()
        return sources_html(turn["answer"], turn_number)

    def rate(self, turns: list, event: gr.LikeData):
        _, turn = _turn_at(turns, event.index)
        if turn is None or event.liked not in (True, False):
            return labels.FEEDBACK_NO_ANSWER, gr.update(visible=False), "", None
        rating = "up" if event.liked else "down"
        self.conversations.add_feedback(turn["conversation_id"], turn["message_id"], rating, None)
        rated = {"conversation_id": turn["conversation_id"], "message_id": turn["message_id"], "rating": rating}
        thanks = labels.FEEDBACK_THANKS_UP if event.liked else labels.FEEDBACK_THANKS_DOWN
        return thanks, gr.update(visible=True), "", rated

    def comment(self, rated: dict | None, text: str):
        """Store the comment as a second feedback row with the same rating (the latest row counts)."""
        text = (text or "").strip()[:2000]
        if not rated or not text:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        self.conversations.add_feedback(rated["conversation_id"], rated["message_id"], rated["rating"], text)
        return labels.FEEDBACK_COMMENT_STORED, gr.update(visible=False), "", None

    @staticmethod
    def reset():
        return ([], "", [], sources_html(None), labels.FEEDBACK_HELP, gr.update(visible=False), None, "",
                gr.update(value=None, visible=False))

    @staticmethod
    def draft_choices(turns: list):
        """The answers of this conversation to pick a draft from, the latest selected."""
        choices = [(labels.DRAFT_CHOICE.format(number=number, question=_short(turn["question"])), number)
                   for number, turn in enumerate(turns or [], 1)]
        return gr.update(choices=choices, value=choices[-1][1] if choices else None)

    @staticmethod
    def draft(turns: list, picked: int | None = None):
        """The draft of the picked answer (a turn number, 1-based), or of the latest one."""
        if not turns:
            return labels.DRAFT_NONE, gr.update(value=None, visible=False)
        number = picked if isinstance(picked, int) and 1 <= picked <= len(turns) else len(turns)
        turn = turns[number - 1]
        path = draft_docx(turn["answer"], turn["question"], new_draft_path())
        return draft_markdown(turn["answer"], turn["question"]), gr.update(value=str(path), visible=True)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _turn_at(turns: list, index) -> tuple[int, dict | None]:
    """The turn whose answer is chat message `index` (1-based turn number, turn)."""
    if isinstance(index, (list, tuple)):
        index = index[0]
    for number, turn in enumerate(turns or [], 1):
        if turn["index"] == index:
            return number, turn
    return 0, None
