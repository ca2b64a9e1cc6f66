"""Personal data kept out of what is stored: conversations, feedback comments and log lines.

Citizens type e-mail addresses, phone numbers, rijksregisternummers, IBANs and street addresses
into their questions. The answer is computed from the question as typed; only what is written
to the conversation database or a log is masked. Every pattern lives here, and each candidate is
validated before it is masked, so "artikel 5", "12-03-2025" or "€ 1.250" stay as they are:

- rijksregisternummer (and BIS number): 11 digits with the mod-97 check, the 2000s with a
  leading '2' (`stdnum.be.ssn`);
- IBAN: the ISO 13616 mod-97 check and the country's length (`stdnum.iban`);
- phone: a trunk or country prefix (0, +32, 0032, +31, ...) and a number that libphonenumber
  knows to exist (`phonenumbers`), so a date or an enterprise number is not a phone number;
- street address: a capitalised Dutch street name ending in a street word (straat, laan, lei,
  plein, markt, ...) followed by a house number, optionally "bus 2" and postcode + city.

>>> PersonalDataMasker().mask("Mail jan.peeters@voorbeeld.be of bel 0475 12 34 56 over artikel 5.")
'Mail [e-mail] of bel [telefoon] over artikel 5.'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from stdnum import iban
from stdnum.be import ssn, vat

from assistant.messages import MASKS

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[a-z]{2,24}(?![\w-])",
                   re.IGNORECASE)
# Two letters, two check digits, then 11-30 letters or digits, in groups or not ("be71 0961 ...").
IBAN = re.compile(r"(?<![\w])[a-z]{2}\d{2}(?: ?[a-z0-9]){11,30}", re.IGNORECASE)
# yy mm dd counter check, with the usual separators: 85.07.30-033.28, 85073003328, 850730 033 28.
NATIONAL_NUMBER = re.compile(r"(?<![\d.,/-])\d{2}[ .]?\d{2}[ .]?\d{2}[ .-]?\d{3}[ .-]?\d{2}(?![\d,]|[./-]\d)")
# A trunk prefix "0" or a country code, then digit groups with space, dot, slash or dash.
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ ./-])"
    r"(?:(?:\+|00)[1-9]\d{0,2}[ .-]?(?:\(0\)[ .-]?)?|\(?0)\d{1,4}\)?(?:[ ./-]?\d{2,4}){1,5}(?!\w|[.,/-]\d)"
)
_ENTERPRISE_NUMBER = re.compile(r"0\d{3}\.\d{3}\.\d{3}")  # "0412.345.678": a company, not a phone
_STREET_WORDS = (
    "straat|steenweg|laan|lei|weg|baan|plein|markt|dreef|kaai|kade|dijk|vest|singel|gracht|hof|pad|"
    "dries|kouter|wegel|steeg|straatje|plantsoen"
)
# Word lengths are bounded, so a long token costs linear time, not quadratic backtracking.
_NAME_WORD = r"[A-ZÀ-Ý][\w'’.-]{0,30}"
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|op|aan|'t)"
ADDRESS = re.compile(
    rf"(?<![\w'’.-])(?:{_NAME_WORD}\s+(?:{_PARTICLE}\s+)*){{0,3}}"  # "Koningin ", "Frans van ", "Grote "
    rf"(?=[A-ZÀ-Ý])[\w'’-]{{0,30}}(?i:{_STREET_WORDS})"      # "Kerkstraat", "Markt", "Elisabethlei"
    rf"(?:\s+(?:op|naar)\s+{_NAME_WORD})?"               # "Steenweg op Gent"
    r"\s+(?P<number>\d{1,4})(?:\s?[a-zA-Z](?![\w]))?"    # "12", "12A", "12 b"
    r"(?P<box>\s*(?:bus|b\.|/)\s*\d{1,3}[a-zA-Z]?(?![\w/]))?"  # "bus 2", "/3"
    r"(?P<city>,?\s+[1-9]\d{3}\s+[A-ZÀ-Ý][\w'’-]{0,30}(?:[ -][A-ZÀ-Ý][\w'’-]{0,30}){0,3})?"  # ", 2000 Antwerpen"
    r"(?![\d,.]\d|\w)"
)
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text: `kind` is a key of `MASKS`."""

    kind: str
    text: str


def _valid_iban(candidate: str) -> str | None:
    """The longest leading part of the candidate that is a valid IBAN (the regex may overrun)."""
    for end in range(len(candidate), 14, -1):
        part = candidate[:end]
        if part[-1] != " " and (end == len(candidate) or candidate[end] == " ") and iban.is_valid(part):
            return part
    return None


def _valid_national_number(candidate: str) -> str | None:
    return candidate if ssn.is_valid(candidate) else None


def _valid_phone(candidate: str) -> str | None:
    """The longest leading part of the candidate, ending after a digit group, that is a real number."""
    ends = [match.end() for match in re.finditer(r"\d+", candidate)]
    for end in reversed(ends):
        part = candidate[:end] + (")" if candidate[:end].count("(") > candidate[:end].count(")") else "")
        if _ENTERPRISE_NUMBER.fullmatch(part) and vat.is_valid(part):
            return None
        try:
            number = phonenumbers.parse(part, "BE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return candidate[:end]
    return None


def _valid_address(match: re.Match[str]) -> str | None:
    # "Grondwettelijk Hof 2020" is a year, not a house number, unless a box or postcode follows.
    if _YEAR.fullmatch(match["number"]) and not (match["box"] or match["city"]):
        return None
    return match.group(0)


# Order matters: an IBAN or rijksregisternummer contains digit groups a phone pattern would see.
_DETECTORS: tuple[tuple[str, re.Pattern[str], Callable[[Any], str | None]], ...] = (
    ("email", EMAIL, lambda match: match.group(0)),
    ("iban", IBAN, lambda match: _valid_iban(match.group(0))),
    ("national_number", NATIONAL_NUMBER, lambda match: _valid_national_number(match.group(0))),
    ("phone", PHONE, lambda match: _valid_phone(match.group(0))),
    ("address", ADDRESS, _valid_address),
)


class PersonalDataMasker:
    """Finds and masks personal data in free text.

    >>> masker = PersonalDataMasker()
    >>> masker.mask("Mijn rekening BE71 0961 2345 6769, rijksregisternummer 85.07.30-033.28")
    'Mijn rekening [IBAN], rijksregisternummer [rijksregisternummer]'
    >>> masker.mask("Wat zegt artikel 5 over de vergadering van 12-03-2025?")
    'Wat zegt artikel 5 over de vergadering van 12-03-2025?'
    """

    def find(self, text: str) -> list[Finding]:
        """Every finding, in the order the detectors run."""
        findings: list[Finding] = []
        self._mask(text, findings)
        return findings

    def mask(self, text: str) -> str:
        return self._mask(text, None)

    def _mask(self, text: str, findings: list[Finding] | None) -> str:
        has_at, has_digit = "@" in text, any(c.isdigit() for c in text)
        for kind, pattern, validate in _DETECTORS:
            if not (has_at if kind == "email" else has_digit):
                continue  # fast path: log lines mostly hold neither
            pieces: list[str] = []
            last = position = 0
            while match := pattern.search(text, position):
                value = validate(match)
                if not value:  # a shorter candidate may start inside this one
                    position = match.start() + 1
                    continue
                start = match.start()
                pieces += [text[last:start], MASKS[kind]]
                last = position = start + len(value)  # the pattern may have run past the value
                if findings is not None:
                    findings.append(Finding(kind, value))
            if pieces:
                text = "".join(pieces) + text[last:]
        return text


def mask_found(value: Any, findings: Iterable[Finding]) -> Any:
    """`value` (text or a JSON-like structure) with each value found elsewhere masked where it recurs.

    For an answer that repeats what the question contained: an LLM may echo the e-mail address,
    while the contact details the documents themselves give stay visible.
    """
    findings = sorted(set(findings), key=lambda finding: len(finding.text), reverse=True)
    if not findings:
        return value
    if isinstance(value, str):
        for finding in findings:
            value = value.replace(finding.text, MASKS[finding.kind])
        return value
    if isinstance(value, list):
        return [mask_found(item, findings) for item in value]
    if isinstance(value, dict):
        return {key: mask_found(item, findings) for key, item in value.items()}
    return value


class LogMasking:
    """While active, every log record's message (and traceback) is masked when it is created.

    A record factory rather than a `logging.Filter`: a filter on a logger does not see records of
    its child loggers, and one on a handler misses handlers added later (uvicorn's, pytest's).

    >>> with LogMasking(PersonalDataMasker()):      # doctest: +SKIP
    ...     log.info("question: %s", question)       # stored as "question: [e-mail] ..."
    """

    def __init__(self, masker: PersonalDataMasker):
        self._masker = masker
        self._previous: Callable[..., logging.LogRecord] | None = None
        self._factory = self._make_record  # one bound method, so "is ours" can be checked

    def __enter__(self) -> "LogMasking":
        self._previous = logging.getLogRecordFactory()
        logging.setLogRecordFactory(self._factory)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if logging.getLogRecordFactory() is self._factory and self._previous is not None:
            logging.setLogRecordFactory(self._previous)

    def _make_record(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        assert self._previous is not None
        record = self._previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's own error to report
            return record
        masked = self._masker.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self._masker.mask(logging.Formatter().formatException(record.exc_info))
        return record
