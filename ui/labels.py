"""Every Dutch text of the chat UI, in one place so it can be reviewed and translated.

Texts the assistant itself produces (refusals, errors) live in `assistant/messages.py`; the
website widget carries its own small label table at the top of `ui/widget/widget.js`.
"""

from assistant import messages

APP_TITLE = "VVP-assistent"
APP_SUBTITLE = "Vragen over de Vlaamse provincies, beantwoord uit de documenten van de VVP, met bronvermelding."
TAB_CHAT = "Vragen"
TAB_ADMIN = "Beheer"

# ---- chat --------------------------------------------------------------------------------------
CHAT_LABEL = "Gesprek met de VVP-assistent"
CHAT_PLACEHOLDER = (
    "### Stel een vraag over de VVP\n"
    "Elk antwoord komt uit de documenten van de VVP en verwijst met [1], [2], … naar de bronnen. "
    "Kies hieronder een voorbeeldvraag of typ je eigen vraag."
)
EXAMPLE_QUESTIONS = (
    "Wat is de missie van de VVP?",
    "Met welke organisaties werkt de VVP samen?",
    "Wie kan terecht bij de studiedienst?",
)
QUESTION_LABEL = "Je vraag"
QUESTION_PLACEHOLDER = "Bijvoorbeeld: Wat is de missie van de VVP? (Enter verstuurt, Shift+Enter: nieuwe regel)"
SEND = "Verstuur"
NEW_CONVERSATION = "Nieuw gesprek"
THINKING = "Even zoeken in de documenten…"

FILTER_LABEL = "Zoek alleen in deze documenttypes"
FILTER_INFO = "Niets aangevinkt = alle documenten."
DOC_TYPE_LABELS = {
    "statuten": "Statuten",
    "missie": "Missie",
    "commissie": "Commissies",
    "verslag": "Verslagen",
    "decreet": "Decreten",
    "andere": "Andere documenten",
}

# ---- sources -------------------------------------------------------------------------------------
SOURCES_TITLE = "Bronnen"
SOURCES_EMPTY = "Hier verschijnen de bronnen van het antwoord, met de geciteerde zin gemarkeerd."
SOURCES_OF_ANSWER = "Bij antwoord {number}. Klik op een eerder antwoord om de bronnen ervan te zien."
SOURCES_INLINE = "Bronnen"
SUGGESTIONS_TITLE = "Verwante passages"
SECTION = "Onderdeel"
PAGE = "p. {page}"
OCR_NOTE = "OCR"
OCR_NOTE_TITLE = "Tekst herkend uit een gescande pagina (OCR): controleer hem in het document."
OPEN_DOCUMENT = "Open het document"
OPEN_DOCUMENT_ARIA = "Open het document “{title}” (nieuw tabblad)"
QUOTE_NOT_FOUND = "Geciteerd:"
REFUSAL_SUGGESTIONS = messages.REFUSAL_SUGGESTIONS

# ---- feedback -------------------------------------------------------------------------------------
FEEDBACK_THANKS_UP = "Bedankt! Je duim omhoog is bewaard."
FEEDBACK_THANKS_DOWN = "Bedankt! Je duim omlaag is bewaard."
FEEDBACK_COMMENT_LABEL = "Toelichting bij je beoordeling (optioneel)"
FEEDBACK_COMMENT_PLACEHOLDER = "Wat was goed, wat ontbrak of klopte niet?"
FEEDBACK_SEND = "Verstuur toelichting"
FEEDBACK_COMMENT_STORED = "Bedankt, je toelichting is bewaard."
FEEDBACK_NO_ANSWER = "Deze beoordeling hoort niet bij een antwoord van de assistent."
FEEDBACK_HELP = "Beoordeel een antwoord met de duim omhoog of omlaag onder het antwoord."

# ---- draft answer ---------------------------------------------------------------------------------
DRAFT_TITLE = "Ontwerpantwoord (voor medewerkers)"
DRAFT_HELP = "Zet een antwoord uit dit gesprek om in een ontwerptekst met voetnoten, om te kopiëren of als Word-bestand."
DRAFT_BUTTON = "Ontwerpantwoord"
DRAFT_MARKDOWN_LABEL = "Ontwerpantwoord in Markdown (kopieerbaar)"
DRAFT_DOCX_LABEL = "Ontwerpantwoord als Word-bestand (.docx)"
DRAFT_NONE = "Er is nog geen antwoord om een ontwerp van te maken. Stel eerst een vraag."
DRAFT_HEADING = "Ontwerpantwoord"
DRAFT_QUESTION = "Vraag"
DRAFT_SOURCES = "Bronnen"
DRAFT_SOURCE_LABEL = "bron"
DRAFT_NOTICE = "Let op"
DRAFT_FILE_NAME = "ontwerpantwoord.docx"
DRAFT_AUTHOR = "VVP-assistent"
DRAFT_COMMENTS = "Ontwerp, gemaakt door de VVP-assistent uit de documenten van de VVP. Nalezen voor gebruik."
DRAFT_PICK_LABEL = "Antwoord om uit te werken"
DRAFT_PICK_INFO = "Kies een antwoord uit dit gesprek (standaard het laatste)."
DRAFT_CHOICE = "{number}. {question}"

# ---- admin ----------------------------------------------------------------------------------------
ADMIN_INTRO = "Documenten toevoegen en verwijderen. Meld je eerst aan met de beheerderssleutel."
ADMIN_DISABLED = messages.ADMIN_DISABLED
ADMIN_TOKEN_LABEL = "Beheerderssleutel"
ADMIN_TOKEN_PLACEHOLDER = "De waarde van VVP_ADMIN_TOKEN"
ADMIN_LOGIN = "Aanmelden"
ADMIN_LOGOUT = "Afmelden"
ADMIN_WRONG_TOKEN = "Deze beheerderssleutel klopt niet."
ADMIN_LOGGED_IN = "Je bent aangemeld als beheerder."
ADMIN_LOGGED_OUT = "Je bent afgemeld."
ADMIN_NOT_LOGGED_IN = "Meld je eerst aan met de beheerderssleutel."
ADMIN_STILL_LOGGED_IN = "Je bent nog aangemeld als beheerder."
UPLOAD_QUEUED = "In de wachtrij…"
UPLOAD_PROGRESS = "Bezig met inlezen: {done} van {total} fragmenten{current}"
UPLOAD_FINISHED = "Klaar: {done} van {total} fragmenten ingelezen."
UPLOAD_PROGRESS_LABEL = "Voortgang van het inlezen"
UPLOAD_FAILED = "Inlezen mislukt: {reason}"
UPLOAD_LABEL = "Documenten toevoegen (PDF, Word, HTML, Markdown of tekst)"
UPLOAD_BUTTON = "Toevoegen aan de kennisbank"
UPLOAD_NONE = messages.UPLOAD_NO_FILES.split(" (")[0] + "."
UPLOAD_TOO_LARGE = messages.UPLOAD_TOO_LARGE
UPLOAD_RESULTS_LABEL = "Resultaat per bestand"
UPLOAD_COLUMNS = ["Bestand", "Status", "Fragmenten", "Titel", "Reden"]
UPLOAD_SUMMARY = "{added} toegevoegd, {updated} bijgewerkt, {unchanged} ongewijzigd, {failed} mislukt."
INGEST_STATUS = {"added": "toegevoegd", "updated": "bijgewerkt", "unchanged": "ongewijzigd", "failed": "mislukt"}
DOCUMENTS_LABEL = "Documenten in de kennisbank"
DOCUMENTS_COLUMNS = ["Titel", "Type", "Bron", "Fragmenten", "Toegevoegd op", "Document-id"]
DOCUMENTS_REFRESH = "Lijst vernieuwen"
DOCUMENTS_COUNT = "{count} documenten in de kennisbank."
DELETE_LABEL = "Document om te verwijderen"
DELETE_BUTTON = "Verwijder dit document"
DELETE_NONE = "Kies eerst een document om te verwijderen."
DELETE_DONE = "Document “{title}” is verwijderd."
DELETE_UNKNOWN = messages.UNKNOWN_DOCUMENT

# ---- page language and screen readers (ui/page_language.py) -------------------------------------
USER_MESSAGE_ARIA = "Jouw vraag: "
BOT_MESSAGE_ARIA = "Antwoord van de VVP-assistent: "
# Gradio's own interface keys its Dutch table leaves in English (gr.I18n custom translations).
GRADIO_TRANSLATIONS: dict[str, str] = {
    "chatbot.complete": "Klaar",
    "chatbot.copy_message": "Bericht kopiëren",
    "chatbot.copied_message": "Bericht gekopieerd",
    "common.download_all": "Alles downloaden",
    "common.progress": "Voortgang",
}
# Labels Gradio writes in English without a translation key (aria-label and title attributes of
# the components on our page); the page script replaces them.
GRADIO_FIXED_LABELS: dict[str, str] = {
    "chatbot conversation": "Gesprek",
    "More tabs": "Meer tabbladen",
    "Copy": "Kopiëren",
    "Copied": "Gekopieerd",
    "Close": "Sluiten",
    "Dismiss": "Sluiten",
    "Download": "Downloaden",
    "Upload file": "Bestand uploaden",
    "Upload a file": "Een bestand uploaden",
    "Uploaded files": "Geüploade bestanden",
    "Uploading": "Bezig met uploaden",
    "Remove file": "Bestand verwijderen",
    "Remove this file": "Dit bestand verwijderen",
    "File thumbnail": "Voorbeeld van het bestand",
    "Loading response": "Antwoord wordt geladen",
    "Loading Progress": "Voortgang van het laden",
    "Table actions": "Acties voor de tabel",
    "Open cell menu": "Celmenu openen",
    "View full screen": "Volledig scherm",
    "Empty value": "Lege waarde",
    "Submit": "Verzenden",
    "Stop": "Stoppen",
    "Click to upload or drop files": "Klik om bestanden te kiezen of sleep ze hierheen",
    "File upload": "Bestanden uploaden",
    "Copy table data": "Tabelgegevens kopiëren",
    "Fullscreen": "Volledig scherm",
    "Exit fullscreen mode": "Volledig scherm verlaten",
    "Scroll down": "Naar beneden scrollen",
    "Feedback": "Beoordeling",
}
# The same for labels that start with a fixed English phrase ("Select example 1: …").
GRADIO_FIXED_PREFIXES: dict[str, str] = {
    "Select example ": "Kies voorbeeldvraag ",
}
