"""The user interfaces: the Gradio chat (ui/chat.py) and the website widget (ui/widget/)."""

from pathlib import Path

WIDGET_DIR = Path(__file__).resolve().parent / "widget"
