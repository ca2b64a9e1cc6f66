"""What the routes need, as FastAPI dependencies: the app's `Container` and the parts of it.

Routes ask for the service they use (`service: AssistantService = Depends(get_service)`), so a
test swaps any of them with `app.dependency_overrides`:

>>> app.dependency_overrides[get_service] = lambda: FakeService()      # doctest: +SKIP
"""

from __future__ import annotations

from fastapi import Depends, Request

from assistant.container import Container
from assistant.conversation import ConversationStore
from assistant.documents import DocumentService
from assistant.service import AssistantService
from assistant.settings import Settings


def get_container(request: Request) -> Container:
    """The container the app was built with (`create_app` keeps it in `app.state`)."""
    return request.app.state.container


def get_settings(container: Container = Depends(get_container)) -> Settings:
    return container.settings


def get_service(container: Container = Depends(get_container)) -> AssistantService:
    return container.service


def get_conversations(container: Container = Depends(get_container)) -> ConversationStore:
    return container.conversations


def get_documents(container: Container = Depends(get_container)) -> DocumentService:
    return container.documents
