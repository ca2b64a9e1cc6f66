"""Answerers turn a question and its retrieved passages into a cited `Answer`.

`extractive` (default, no model needed) quotes the best sentences; `llm` writes with a
LangChain chat model and falls back to `extractive`. `create_answerer` picks one from settings.
"""
