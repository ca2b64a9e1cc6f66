"""Conversations: history and feedback in SQLite (WAL), and follow-up condensation.

A follow-up such as "En wie zit daarin?" means nothing to retrieval on its own. Without an LLM
it is condensed by a heuristic: when the follow-up is short or refers back (a pronoun or
"daarin", "hiervan", ...), the key terms of the previous question are carried over, into the
question itself: a pronominal adverb is its preposition plus what it points to ("daarin" →
"in VVP-werking"), and other terms go before the question mark: appended after it, they weighed
less with e5 and the evidence step (docs/quality.md, known limits).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import threading
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from assistant.privacy import PersonalDataMasker, mask_found
from ingest.wordlists import POINTING_BACK, QUESTION_WORDS, REFERRING
from knowledge.analysis import words

log = logging.getLogger(__name__)

SHORT_FOLLOW_UP = 3  # content words


def condense(question: str, previous_questions: list[str]) -> str:
    """The follow-up made standalone by carrying over the previous question's key terms.

    A follow-up is condensed when it contains a pronominal adverb ("daarin", "hiervan"), or
    when it has at most three content words and a pronoun or opener ("en", "die", "ze").

    >>> condense("En wie zit daarin?", ["Waaruit bestaat de VVP-werking?"])
    'En wie zit in VVP-werking?'
    >>> condense("En die van Limburg?", ["Hoeveel gedeputeerden heeft de provincie Antwerpen?"])
    'En die van Limburg gedeputeerden provincie?'
    """
    if not previous_questions:
        return question
    tokens = {token.strip(",.!?;:'\"").lower() for token in question.split()}
    content = words(question)
    refers_back = bool(tokens & POINTING_BACK) or (len(content) <= SHORT_FOLLOW_UP and bool(tokens & REFERRING))
    if not refers_back:
        return question
    skip = REFERRING | POINTING_BACK | QUESTION_WORDS | set(content)
    # A follow-up naming something ("En die van Limburg?") replaces the names asked about before.
    names_replaced = any(token[:1].isupper() for token in question.split()[1:])
    carried = []
    for position, token in enumerate(previous_questions[-1].split()):
        token = token.strip(",.!?;:()\"'«»“”‘’")
        folded = words(token)
        if names_replaced and position > 0 and token[:1].isupper() and not token.isupper():
            continue
        if token.startswith("[") and token.endswith("]"):  # "[e-mail]": masked personal data, no topic
            continue
        if folded and len(token) > 2 and not set(folded) <= skip and token not in carried:
            carried.append(token)
    if not carried:
        return question
    return _with_topic(question, " ".join(carried))


def _with_topic(question: str, topic: str) -> str:
    """`topic` in place of the question's first pronominal adverb, or before its question mark."""
    for match in re.finditer(r"\w+", question):
        adverb = match.group().lower()
        if adverb in POINTING_BACK:
            preposition = re.sub(r"^(daar|hier|er)", "", adverb)
            return f"{question[:match.start()]}{preposition} {topic}{question[match.end():]}"
    body = question.rstrip()
    end = len(body.rstrip("?!. "))
    return f"{body[:end]} {topic}{body[end:]}"


@dataclass(frozen=True)
class Turn:
    message_id: str
    question: str
    standalone_question: str
    answer: dict
    created_at: float


class ConversationStore:
    """Conversations and feedback in `data_dir/conversations.sqlite3`.

    With a `masker`, personal data in questions, standalone questions and feedback comments is
    masked before it is written, and so is any of it that the answer repeats; what the caller
    answered was computed from the question as typed.
    """

    def __init__(self, path: Path, masker: PersonalDataMasker | None = None):
        self.path = path
        self.masker = masker
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._init()
        except sqlite3.DatabaseError:
            broken = path.with_suffix(f".corrupt-{int(time.time())}")
            log.warning("conversation database unreadable; moved to %s and started empty", broken.name)
            for suffix in ("", "-wal", "-shm"):  # a stale WAL must not be replayed into the new file
                if Path(f"{path}{suffix}").exists():
                    Path(f"{path}{suffix}").rename(Path(f"{broken}{suffix}"))
            self._init()

    def _init(self) -> None:
        with closing(self._connect()) as connection:  # `with connection` alone would not close it
            connection.executescript(
                """
                CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created_at REAL, updated_at REAL);
                CREATE TABLE IF NOT EXISTS messages (
                    id TEXT PRIMARY KEY, conversation_id TEXT, question TEXT, standalone_question TEXT,
                    answer TEXT, created_at REAL);
                CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, created_at);
                CREATE TABLE IF NOT EXISTS feedback (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT, message_id TEXT,
                    rating TEXT, comment TEXT, created_at REAL);
                """
            )
            connection.execute("SELECT count(*) FROM conversations").fetchone()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a crash may lose the last turn
        return connection

    def _run(self, sql: str, *args) -> list[tuple]:
        """Run one statement on this thread's connection (opening one per statement cost a disk sync)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection.execute(sql, args).fetchall()

    def exists(self, conversation_id: str) -> bool:
        return bool(self._run("SELECT 1 FROM conversations WHERE id = ?", conversation_id))

    def create(self) -> str:
        conversation_id = uuid.uuid4().hex
        now = time.time()
        self._run("INSERT INTO conversations VALUES (?, ?, ?)", conversation_id, now, now)
        return conversation_id

    def turns(self, conversation_id: str) -> list[Turn]:
        rows = self._run(
            "SELECT id, question, standalone_question, answer, created_at FROM messages "
            "WHERE conversation_id = ? ORDER BY created_at", conversation_id,
        )
        return [Turn(row[0], row[1], row[2], json.loads(row[3]), row[4]) for row in rows]

    def add_turn(self, conversation_id: str, message_id: str, question: str, standalone: str, answer: dict) -> None:
        if self.masker:
            found = self.masker.find(question) + self.masker.find(standalone)
            question, standalone = self.masker.mask(question), self.masker.mask(standalone)
            answer = mask_found(answer, found)
        now = time.time()
        self._run("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", message_id, conversation_id, question, standalone,
                  json.dumps(answer, ensure_ascii=False), now)
        self._run("UPDATE conversations SET updated_at = ? WHERE id = ?", now, conversation_id)

    def has_message(self, conversation_id: str, message_id: str) -> bool:
        return bool(self._run("SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?", message_id, conversation_id))

    def add_feedback(self, conversation_id: str, message_id: str, rating: str, comment: str | None) -> None:
        if self.masker and comment:
            comment = self.masker.mask(comment)
        self._run("INSERT INTO feedback (conversation_id, message_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                  conversation_id, message_id, rating, comment, time.time())

    def feedback(self, conversation_id: str) -> list[tuple]:
        return self._run("SELECT message_id, rating, comment FROM feedback WHERE conversation_id = ?", conversation_id)

    def purge_older_than(self, days: int) -> int:
        """Delete conversations (with their messages and feedback) not updated for `days` days."""
        cutoff = time.time() - days * 86400
        old = [row[0] for row in self._run("SELECT id FROM conversations WHERE updated_at < ?", cutoff)]
        for conversation_id in old:
            self._run("DELETE FROM messages WHERE conversation_id = ?", conversation_id)
            self._run("DELETE FROM feedback WHERE conversation_id = ?", conversation_id)
            self._run("DELETE FROM conversations WHERE id = ?", conversation_id)
        return len(old)


async def purge_periodically(store: ConversationStore, days: int, interval_seconds: float) -> None:
    """Apply the retention policy every `interval_seconds` while the server runs (until cancelled).

    Runs in the app's lifespan; the purge itself runs in a worker thread, off the event loop.
    """
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            removed = await asyncio.to_thread(store.purge_older_than, days)
        except sqlite3.Error as error:  # a locked or damaged database is retried next time
            log.warning("retention purge failed (%s); retrying in %.0f s", type(error).__name__, interval_seconds)
            continue
        if removed:
            log.info("deleted %d conversations older than %d days", removed, days)
