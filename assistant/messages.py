"""Every Dutch text a user reads, in one place, so it can be reviewed and translated."""

REFUSAL = "In de beschikbare documenten vind ik geen antwoord op die vraag."
REFUSAL_SUGGESTIONS = "Deze passages komen het dichtst in de buurt:"
EMPTY_KNOWLEDGE_BASE = "De kennisbank is nog leeg: voeg eerst documenten toe."
NO_KNOWLEDGE_BASE = "Geen kennisbank in '{path}' (VVP_DATA_DIR): voeg eerst documenten toe met `vvp ingest`."
LLM_FALLBACK_NOTICE = "Het taalmodel was niet bereikbaar; dit is een antwoord met letterlijke citaten uit de documenten."
# For questions in English or French: the notice is in the question's language.
SOURCES_IN_DUTCH = {
    "en": "The sources are in Dutch; the answer quotes them as they are written.",
    "fr": "Les sources sont en néerlandais ; la réponse les cite telles qu'elles sont rédigées.",
}
LLM_UNGROUNDED_NOTICE = "Let op: dit antwoord verwijst niet naar de bronnen en is daarom niet gecontroleerd."

QUESTION_EMPTY = "Stel een vraag: de vraag is leeg."
QUESTION_TOO_LONG = "De vraag is te lang (maximaal {limit} tekens)."
QUERY_EMPTY = "De zoekvraag is leeg."
UNKNOWN_FILTER = "Onbekende filter '{name}'. Mogelijke filters: doc_type, document_id."
UNKNOWN_DOC_TYPE = "Onbekend documenttype '{value}'. Mogelijk: {allowed}."
FILTERS_SHAPE = "Filters zijn een object zoals {\"doc_type\": [...], \"document_id\": [...]}."
FILTER_VALUES = "Filter '{name}' moet tekst of een lijst van hoogstens {limit} teksten zijn."
UNKNOWN_CONVERSATION = "Gesprek '{id}' bestaat niet (meer)."
UNKNOWN_DOCUMENT = "Document '{id}' bestaat niet."
UNKNOWN_MESSAGE = "Bericht '{id}' hoort niet bij dit gesprek."
FILE_NOT_AVAILABLE = "Het originele bestand van document '{id}' is niet beschikbaar."
ADMIN_DISABLED = (
    "Beheer is uitgeschakeld. Stel VVP_ADMIN_TOKEN in om documenten te kunnen toevoegen en verwijderen."
)
ADMIN_UNAUTHORIZED = "Ongeldige of ontbrekende beheerderssleutel (Authorization: Bearer …)."
UPLOAD_TOO_LARGE = "Bestand '{name}' is te groot (maximaal {limit} MB)."
UPLOAD_NO_FILES = "Voeg minstens één bestand toe (formulierveld 'files')."
RATE_LIMITED = "Te veel vragen in korte tijd. Probeer het over enkele ogenblikken opnieuw."
INVALID_REQUEST = "Ongeldige aanvraag: {details}"
SERVICE_UNAVAILABLE = "De kennisbank is tijdelijk niet bereikbaar. Probeer het later opnieuw."
INTERNAL_ERROR = "Er ging iets mis bij het verwerken van de vraag. Probeer het later opnieuw."
NOT_FOUND = "Deze pagina of bron bestaat niet."
UNKNOWN_JOB = "Taak '{id}' bestaat niet (meer): taken worden enkel in het geheugen van de server bewaard."
JOB_FAILED = "De taak is afgebroken door een onverwachte fout ({error}); wat half verwerkt was, is teruggedraaid."
LOCAL_ONLY = "Deze route is enkel voor de opdrachtregel op dezelfde machine (lokale sleutel ontbreekt of klopt niet)."
CLI_INGESTING = "Inlezen"
CLI_HANDED_OVER = "vvp serve draait op deze datamap ({url}, proces {pid}): het werk gaat naar die server."
CLI_WRITER_WAITING = "Een ander proces (pid {pid}) schrijft in deze kennisbank; wachten tot het klaar is…"
CLI_WRITER_BUSY = (
    "Een ander proces (pid {pid}) schrijft nog in deze kennisbank. Probeer later opnieuw, of verhoog "
    "VVP_WRITER_WAIT_SECONDS."
)
CLI_WRITER_NO_ACCESS = (
    "Geen schrijfrechten op de datamap {path}. Voer de opdracht uit als de gebruiker van de dienst."
)
HEALTH_SEARCH_FAILED = "zoeken mislukt ({error}): vragen krijgen nu een foutmelding"
HEALTH_UNREACHABLE = "kennisbank niet bereikbaar"

# What replaces personal data in stored conversations, feedback and logs (assistant/privacy.py).
MASKS = {
    "email": "[e-mail]",
    "phone": "[telefoon]",
    "national_number": "[rijksregisternummer]",
    "iban": "[IBAN]",
    "address": "[adres]",
}

# Request validation, by pydantic error type ({...} are filled from the error's context).
VALIDATION = {
    "default": "ongeldige waarde",
    "json_invalid": "de aanvraag is geen geldige JSON",
    "missing": "ontbreekt",
    "extra_forbidden": "onbekend veld",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_type": "moet een getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "string_too_short": "is te kort (minimaal {min_length} tekens)",
    "string_too_long": "is te lang (maximaal {max_length} tekens)",
    "too_short": "heeft te weinig elementen (minimaal {min_length})",
    "too_long": "heeft te veel elementen (maximaal {max_length})",
    "greater_than_equal": "moet minstens {ge} zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "literal_error": "moet een van deze waarden zijn: {expected}",
    "enum": "moet een van deze waarden zijn: {expected}",
    "value_error": "ongeldige waarde",
    "string_unicode": "moet geldige tekst (UTF-8) zijn",
}

# Plain-text answers (the OpenAI-compatible route): the sources list under the answer.
SOURCES_HEADING = "Bronnen:"
SOURCE_PAGE = "p. {page}"

# A search filter (document types or documents) that no stored document passes.
FILTER_EXCLUDES_ALL = (
    "Er zijn geen documenten die aan de gekozen filter voldoen, dus ik kan niets opzoeken. "
    "Kies een ander documenttype of zoek in alle documenten."
)
