"""The Beheer tab in headless Chromium: log in (and stay logged in), upload a large document,
watch its progress bar move, and read the per-file result."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from ui import labels

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def large_report(path, sections: int = 70):
    parts = [f"## Dossier {n}\n\nDe provinciale werkgroep {n} bespreekt het onderhoud van de jaagpaden langs het "
             f"kanaal en de fietssnelweg F{n}. Het budget bedraagt {2000 + n} euro; de uitvoering start in "
             f"kwartaal {n % 4 + 1}. De deputatie volgt het dossier {n} op en rapporteert aan de provincieraad, "
             f"die de begroting voor dossier {n} goedkeurt na advies van de bevoegde commissie." for n in range(sections)]
    path.write_text("# Werkgroepverslag jaagpaden\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def test_admin_upload_shows_a_moving_progress_bar_and_the_result(page, live_server, ui_container, admin_token,
                                                                  tmp_path, shoot):
    page.goto(f"{live_server}/")
    page.get_by_role("tab", name=labels.TAB_ADMIN).click()
    page.locator("#vvp-admin-token input").fill(admin_token)
    page.locator("#vvp-admin-login").click()
    status = page.locator("#vvp-admin-status")
    expect(status).to_contain_text(labels.ADMIN_LOGGED_IN)
    page.locator("#vvp-admin-login").click()  # again, with the emptied field: still logged in
    expect(status).to_contain_text(labels.ADMIN_STILL_LOGGED_IN)
    expect(page.locator("#vvp-admin-upload")).to_be_visible()

    report = large_report(tmp_path / "werkgroep-jaagpaden.md")
    page.locator("#vvp-admin-files input[type=file]").set_input_files(str(report))
    expect(page.locator("#vvp-admin-files")).to_contain_text("werkgroep-jaagpaden.md", timeout=30_000)
    page.locator("#vvp-admin-upload").click()

    bar = page.locator("#vvp-admin-progress progress")
    values: list[tuple[int, int]] = []
    deadline = time.monotonic() + 120
    results = page.locator("#vvp-admin-results")
    while time.monotonic() < deadline:
        if bar.count():
            value, maximum = bar.first.get_attribute("value"), bar.first.get_attribute("max")
            if value is not None and (not values or values[-1] != (int(value), int(maximum))):
                values.append((int(value), int(maximum)))
        if "toegevoegd" in (results.text_content() or ""):
            break
        time.sleep(0.05)
    expect(results).to_contain_text("werkgroep-jaagpaden.md")
    expect(results).to_contain_text("toegevoegd")
    expect(status).to_contain_text("1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 0 mislukt")
    shoot(page, "admin-upload-result")

    final_value, final_max = int(bar.first.get_attribute("value")), int(bar.first.get_attribute("max"))
    assert final_value == final_max >= 60  # the chunks of the report
    assert len(values) >= 2 and any(value < final_max for value, _ in values), values  # it moved
    assert [value for value, _ in values] == sorted(value for value, _ in values)
    assert page.locator("#vvp-admin-progress [role=status]").first.text_content() == labels.UPLOAD_FINISHED.format(
        done=final_value, total=final_max)
    assert page.external_requests == []

    record = next(r for r in ui_container.kb.documents() if r.title == "Werkgroepverslag jaagpaden")
    assert ui_container.kb.delete(record.document_id)  # the session's knowledge base stays as it was
