"""Dutch, user-facing error messages of the ingest layer, gathered for review and translation.

Every message names the file, so a user uploading several files knows which one failed.
"""

from __future__ import annotations

from collections.abc import Iterable


def unsupported_suffix(suffix: str, supported: Iterable[str]) -> str:
    listed = ", ".join(sorted(supported))
    return f"Bestandstype '{suffix}' wordt niet ondersteund. Ondersteund: {listed}."


def missing_suffix(name: str, supported: Iterable[str]) -> str:
    listed = ", ".join(sorted(supported))
    return f"Bestand '{name}' heeft geen bestandsextensie. Ondersteund: {listed}."


def not_found(name: str) -> str:
    return f"Bestand '{name}' bestaat niet of kan niet geopend worden."


def empty_file(name: str) -> str:
    return f"Bestand '{name}' is leeg."


def no_text(name: str) -> str:
    return f"Bestand '{name}' bevat geen leesbare tekst."


def too_large(name: str, size: int, limit: int) -> str:
    return (
        f"Bestand '{name}' is te groot ({_megabytes(size)}); "
        f"de limiet is {_megabytes(limit)}."
    )


def zip_bomb(name: str) -> str:
    return (
        f"Bestand '{name}' wordt na uitpakken onredelijk groot en wordt daarom niet gelezen."
    )


def not_text(name: str) -> str:
    return f"Bestand '{name}' lijkt geen tekstbestand te zijn (binaire inhoud)."


def encrypted_pdf(name: str) -> str:
    return f"Bestand '{name}' is versleuteld met een wachtwoord en kan niet gelezen worden."


def needs_ocr(name: str) -> str:
    return (
        f"Bestand '{name}' bevat geen tekst (gescand document?): "
        "tekstherkenning (OCR) is nodig."
    )


def ocr_found_no_text(name: str) -> str:
    return (
        f"Bestand '{name}' is een gescand document, maar de tekstherkenning (OCR) vond er geen "
        "leesbare tekst in."
    )


def corrupt(name: str, kind: str) -> str:
    return f"Bestand '{name}' is geen geldig {kind}-bestand of is beschadigd."


def unreadable(name: str) -> str:
    return f"Bestand '{name}' kan niet gelezen worden."


def _megabytes(size: int) -> str:
    # Binary megabytes, like the upload limit in the settings (VVP_MAX_UPLOAD_MB=25 is 25 MB here).
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
