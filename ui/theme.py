"""The VVP look: a sober dark-teal and white theme with system fonts (nothing loaded from the web).

Colours are chosen for WCAG AA contrast: teal 700 (#0b5f6b) on white is 7.3:1, body text
(#1a2b2e) on white 14.7:1, the highlight (#ffe98a) under body text 12.1:1.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

CSS_PATH = Path(__file__).resolve().parent / "static" / "vvp.css"

# System font stacks: a gr.themes.GoogleFont would make every browser call fonts.googleapis.com.
SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]

TEAL = gr.themes.Color(
    name="vvp_teal", c50="#eef6f7", c100="#d9eef0", c200="#b3dde2", c300="#80c4cc", c400="#3f9ea9",
    c500="#137b87", c600="#0d6c77", c700="#0b5f6b", c800="#084c56", c900="#063c45", c950="#042a30",
)


def vvp_theme() -> gr.themes.Base:
    return gr.themes.Base(
        primary_hue=TEAL, secondary_hue=TEAL, neutral_hue=gr.themes.colors.slate,
        font=SANS, font_mono=MONO, radius_size=gr.themes.sizes.radius_sm,
    ).set(
        body_text_color="#1a2b2e",
        body_text_color_subdued="#4a5d61",
        block_title_text_color="#1a2b2e",
        block_label_text_color="#1a2b2e",
        link_text_color="#0b5f6b",
        link_text_color_visited="#0b5f6b",
        link_text_color_hover="#063c45",
        button_primary_background_fill="#0b5f6b",
        button_primary_background_fill_hover="#063c45",
        button_primary_text_color="#ffffff",
        button_secondary_background_fill="#ffffff",
        button_secondary_background_fill_hover="#eef6f7",
        button_secondary_text_color="#0b5f6b",
        button_secondary_border_color="#0b5f6b",
        color_accent_soft="#eef6f7",
        checkbox_label_background_fill_selected="#d9eef0",
        checkbox_background_color_selected="#0b5f6b",
        input_border_color_focus="#0b5f6b",
        button_cancel_background_fill="#8a1c1c",
        button_cancel_background_fill_hover="#6b1515",
        button_cancel_border_color="#8a1c1c",
        button_cancel_text_color="#ffffff",
        button_cancel_text_color_hover="#ffffff",
    )
