"""The dashboard in a real Chromium against the deployment the other e2e tests
run: ASGI server, Celery worker, Redis and PostgreSQL.

One flow, as a person would use it: sign in, create a project, generate
numbers and watch them arrive, cancel a large task, filter and export the
numbers, import a messy list and read its report, validate. Each page is
saved as a screenshot in the test's temporary folder.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from phonegen.api.serializers.imports import NO_FILE
from phonegen.numbers.tests.messy_csv import NPAS, REFUSED_BY_REASON, STORED

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

USER = "browser-user"
PASSWORD = "pw-browser-user-1"
QUANTITY = 20_000
LARGE = 1_000_000
# How the dashboard writes every time, whoever drew it.
UTC_TIME = r"^\d\d:\d\d:\d\d UTC"


@pytest.fixture(scope="module")
def dashboard_url(e2e_server, e2e_worker, e2e_prefixes, e2e_manage_py) -> str:
    e2e_prefixes(*NPAS)
    e2e_manage_py("phonegen_user", USER, "--password", PASSWORD, "--token-only")
    return e2e_server.url


def test_it_generates_watches_cancels_exports_and_imports(
    page: Page, dashboard_url: str, shared_data, tmp_path: Path
):
    shots = Screenshots(page, tmp_path)
    events = SocketEvents(page)
    messy_csv = shared_data("numbers-messy.csv")

    _sign_in(page, dashboard_url, shots)
    _create_project(page, shots)
    _carrier_and_line_type_agree(page)
    _a_refusal_is_said_once(page)
    _refusal_shows_the_api_message(page)
    _generate_and_watch(page, events)
    _cancel_a_large_task(page)
    _validate(page)
    page.reload()
    _choose_area_code(page, "917")
    page.evaluate("document.activeElement.blur()")
    shots.take("dashboard")
    _filter_and_export(page, tmp_path, shots)
    _numbers_fit_a_phone_screen(page, shots)
    _import_and_read_the_report(page, messy_csv, shots)
    _sign_out(page)


class SocketEvents(list):
    """Every task event the page's WebSockets received, as parsed JSON."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        page.on("websocket", lambda socket: socket.on("framereceived", self.add))

    def add(self, payload) -> None:
        if isinstance(payload, str):
            self.append(json.loads(payload))

    def of(self, task_id: str) -> list[str]:
        return [event["type"] for event in self if event["task_id"] == task_id]


class Screenshots:
    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder

    def take(self, name: str) -> Path:
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


def _sign_in(page: Page, url: str, shots: Screenshots) -> None:
    page.goto(url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    page.get_by_label("Username").fill(USER)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    shots.take("sign-in")

    page.get_by_label("Username").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()


def _create_project(page: Page, shots: Screenshots) -> None:
    expect(page.get_by_text("No project yet")).to_be_visible()
    page.get_by_label("Project name").fill("Browser campaign")
    page.get_by_role("button", name="Create project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    expect(page.get_by_role("heading", name="Browser campaign")).to_be_visible()
    expect(page.get_by_text("Live progress on.")).to_be_visible()

    page.get_by_role("link", name="Projects", exact=True).click()
    project = page.get_by_role("listitem").filter(has_text="Browser campaign")
    expect(project).to_contain_text("0 numbers · 0 tasks")
    shots.take("projects")
    project.get_by_role("link").click()


def _choose_area_code(page: Page, npa: str) -> None:
    page.get_by_label("Area code (NPA)").fill(npa)
    summary = re.compile(rf"^{npa}: [\d,]+ numbers available in")
    expect(page.get_by_text(summary)).to_be_visible()


# carriers/ answers the page's script is given instead of the server's, for
# situations the loaded prefixes do not have: a carrier with nothing left for
# the project, a carrier without a name, an area code of one carrier.
FAKE_CARRIERS = {
    "303": [
        ("Verizon", "mobile", 3, 12_000, 300),
        ("Windstream", "landline", 2, 5_000, 0),
        ("Verizon", "landline", 1, 1_000, 0),
        ("Sprint", "mobile", 1, 0, 1_000),
    ],
    "800": [("", "toll_free", 1, 5_000, 0)],
}


def _fake_carriers(route) -> None:
    npa = re.search(r"area_code=(\d{3})", route.request.url).group(1)
    rows = [
        dict(zip(("brand", "line_type", "prefixes", "available_numbers"), row))
        | {"in_project": row[4]}
        for row in FAKE_CARRIERS[npa]
    ]
    totals = {
        "carriers": len({row["brand"] for row in rows}),
        "prefixes": sum(row["prefixes"] for row in rows),
        "available_numbers": sum(row["available_numbers"] for row in rows),
    }
    data = {"area_code": npa, "carriers": rows, "totals": totals}
    route.fulfill(json={"message": f"Carriers in area code {npa}", "data": data})


def _is_fake(url: str) -> bool:
    return "/carriers/" in url and any(
        f"area_code={npa}" in url for npa in FAKE_CARRIERS
    )


def _carrier_and_line_type_agree(page: Page) -> None:
    """Each list narrows the other; a choice that becomes impossible is set
    back with a note beside its field, never dropped silently."""
    page.route(_is_fake, _fake_carriers)
    carrier = page.get_by_label("Carrier", exact=True)
    line_type = page.get_by_label("Line type", exact=True)
    carrier_note = page.locator("#generate-carrier_filter_note")
    line_type_note = page.locator("#generate-type_filter_note")

    page.get_by_label("Area code (NPA)").fill("303")
    expect(page.locator("[data-role=area-summary]")).to_have_text(
        "303: 18,000 numbers available in 7 prefixes of 3 carriers; "
        "this project holds 1,300."
    )
    line_type.select_option("mobile")
    expect(carrier.locator("option")).to_have_text(
        [
            "Any carrier (12,000 available)",
            "Verizon (12,000 available, 300 in this project)",
            "Sprint (0 available, 1,000 in this project)",
        ]
    )
    expect(carrier.locator("option", has_text="Sprint")).to_be_disabled()
    expect(carrier_note).to_contain_text("Only carriers with Mobile lines")
    carrier.select_option("Verizon")
    expect(line_type).to_have_value("mobile")
    expect(line_type.locator("option")).to_have_count(3)

    page.get_by_label("Area code (NPA)").fill("800")
    expect(page.locator("[data-role=area-summary]")).to_have_text(
        "800: 5,000 numbers available in 1 prefix of 1 carrier."
    )
    expect(line_type_note).to_have_text(
        "Mobile is not in 800, so the choice went back to “Any”."
    )
    expect(carrier_note).to_have_text(
        "Verizon is not in 800, so the choice went back to “Any”."
    )
    expect(carrier).to_have_value("")
    expect(line_type).to_have_value("")
    unknown = carrier.locator("option", has_text="(carrier not known)")
    expect(unknown).to_have_text(
        "(carrier not known) (5,000 available, only with “Any carrier”)"
    )
    expect(unknown).to_be_disabled()
    page.unroute(_is_fake)


def _a_refusal_is_said_once(page: Page) -> None:
    """An area code without prefixes: the banner and the field say so, and the
    hint under the field no longer repeats it."""
    page.get_by_label("Area code (NPA)").fill("989")
    hint = page.locator("[data-role=area-summary]")
    expect(hint).to_have_text("Area code 989 has no prefixes in the prefix database")
    page.get_by_role("button", name="Generate").click()

    form = page.locator("#generate-form")
    expect(form.get_by_role("alert")).to_have_text(
        "Area code 989 has no prefixes in the prefix database."
    )
    expect(page.locator("#generate-area_code_error")).to_have_text(
        "No prefixes are loaded for 989."
    )
    expect(hint).to_be_empty()
    expect(form.get_by_text("has no prefixes")).to_have_count(1)


def _refusal_shows_the_api_message(page: Page) -> None:
    """The smallest carrier of 917, asked for one number more than it has: the
    API's 422, shown as it words it, beside the quantity field."""
    _choose_area_code(page, "917")
    carrier = page.get_by_label("Carrier", exact=True)
    labels = carrier.locator("option:not([disabled])").all_inner_texts()
    smallest = min(labels[1:], key=_available)
    carrier.select_option(label=smallest)
    available = _available(smallest)
    expect(page.get_by_label("Line type", exact=True)).to_contain_text("available")
    page.get_by_label("How many numbers").fill(str(available + 1))
    page.get_by_role("button", name="Generate").click()

    form = page.locator("#generate-form")
    expect(form.get_by_role("alert")).to_contain_text(
        f"Only {available:,} numbers are available"
    )
    expect(page.locator("#generate-quantity_error")).to_have_text(
        f"Ensure this value is at most {available}."
    )
    expect(page.get_by_label("How many numbers")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#task-list .task")).to_have_count(0)


def _available(label: str) -> int:
    return int(re.search(r"\(([\d,]+) available", label).group(1).replace(",", ""))


def _generate_and_watch(page: Page, events: SocketEvents) -> None:
    # Survives only as long as the page does: a reload would lose it.
    page.evaluate("window.notReloaded = true")
    # Every text the screen reader's live region is given, in order.
    page.evaluate(
        """() => {
          window.announced = [];
          const region = document.getElementById("task-announcer");
          new MutationObserver(() => window.announced.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.get_by_label("Carrier", exact=True).select_option(index=0)
    page.get_by_label("How many numbers").fill(str(QUANTITY))
    page.get_by_role("button", name="Generate").click()

    expect(page.locator("#generate-form [data-role=form-message]")).to_contain_text(
        "Phone number generation started"
    )
    task = page.locator("#task-list .task").first
    expect(task).to_contain_text("Generate 20,000 numbers in 917")
    expect(task.locator("progress")).to_have_js_property("value", 100, timeout=60_000)
    expect(task.locator("[data-role=status]")).to_have_text("Completed")
    expect(task).to_contain_text("20,000 stored")
    expect(task).to_contain_text("Took ")
    expect(task.locator(".task-done time")).to_have_text(re.compile(UTC_TIME + "$"))
    # Counts and chart follow the task without a click.
    expect(page.locator("#project-counts")).to_contain_text("20,000 numbers · 1 task")
    expect(page.locator("#project-chart svg")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    announced = page.evaluate("window.announced")
    assert announced and announced[-1] == (
        "Generate 20,000 numbers in 917: Completed"
    ), announced
    assert all(text.startswith("Generate 20,000") for text in announced), announced
    # The bar was moved by the task's own events, not by polling.
    received = events.of(task.get_attribute("data-task-id"))
    assert received[-1] == "task_completed", received
    assert "task_progress" in received, received


def _cancel_a_large_task(page: Page) -> None:
    page.get_by_label("How many numbers").fill(str(LARGE))
    page.get_by_role("button", name="Generate").click()

    task = page.locator("#task-list .task").filter(has_text="Generate 1,000,000")
    expect(task).to_have_attribute("data-status", "in_progress", timeout=30_000)
    expect(task.locator("[data-role=eta]")).to_have_text(
        re.compile(UTC_TIME + r" \((in about [1-9]\d* (s|min)|any moment now)\)$")
    )
    task.get_by_role("button", name="Cancel").click()
    expect(task.locator("[data-role=status]")).to_have_text("Cancelled", timeout=30_000)
    expect(task).to_contain_text(" stored")
    expect(task.get_by_role("button", name="Cancel")).to_have_count(0)


def _validate(page: Page) -> None:
    page.get_by_role("button", name="Validate all numbers").click()
    task = page.locator("#task-list .task").filter(
        has_text=re.compile(r"Validate [\d,]+ numbers")
    )
    expect(task.locator("[data-role=status]")).to_have_text("Completed", timeout=60_000)
    expect(task).to_contain_text(" valid")


def _filter_and_export(page: Page, tmp_path: Path, shots: Screenshots) -> None:
    page.get_by_role("link", name="Numbers", exact=True).click()
    page.get_by_label("Area code", exact=True).fill("917")
    page.get_by_label("Carrier", exact=True).select_option("Verizon")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(r"carrier=Verizon"))

    # Two more filters chosen but not applied: the export takes the form as
    # it stands, not the table's last filter.
    page.get_by_label("Line type", exact=True).select_option("mobile")
    page.get_by_label("Validation").select_option("valid")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export current filter as CSV").click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    exported = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in exported:
        assert row["e164"].startswith("+1917"), row
        assert (row["brand"], row["line_type"], row["validation_status"]) == (
            "Verizon",
            "mobile",
            "valid",
        ), row

    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(r"line_type=mobile"))
    matching = int(page.locator("#match-count").inner_text().replace(",", ""))
    assert matching == len(exported) > 0
    rows = page.locator("#numbers-table tbody tr")
    expect(rows).to_have_count(min(matching, 50))
    for cells in rows.evaluate_all("rows => rows.map(r => r.innerText)"):
        assert "Verizon" in cells and "Mobile" in cells and "(917)" in cells, cells
    shots.take("numbers")


def _numbers_fit_a_phone_screen(page: Page, shots: Screenshots) -> None:
    """At 375 px the filters stay in their card, the page never scrolls
    sideways (the table scrolls in its own box) and a number is one line."""
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls {overflow} px sideways"
    card = page.locator("#number-filters").bounding_box()
    carrier = page.get_by_label("Carrier", exact=True).bounding_box()
    assert carrier["x"] + carrier["width"] <= card["x"] + card["width"] + 0.5
    lines = page.locator("#numbers-table tbody .mono").evaluate_all(
        "spans => spans.map(span => span.getClientRects().length)"
    )
    assert lines and set(lines) == {1}, lines
    page.locator("#numbers-table").scroll_into_view_if_needed()
    shots.take("numbers-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def _import_and_read_the_report(page: Page, messy_csv: Path, shots: Screenshots):
    page.get_by_role("link", name="Browser campaign").click()
    page.get_by_role("button", name="Upload and import").click()
    form = page.locator("#import-form")
    expect(page.locator("#import-file_error")).to_have_text(NO_FILE)
    expect(form.get_by_role("alert")).to_be_visible()
    expect(form.get_by_text(NO_FILE)).to_have_count(1)

    page.get_by_label("Phone list", exact=True).set_input_files(messy_csv)
    page.get_by_role("button", name="Upload and import").click()

    expect(page).to_have_url(re.compile(r"/imports/[0-9a-f-]{36}/$"))
    # The page reloads itself once the import has ended, with the report.
    summary = page.locator("#import-summary")
    expect(summary.locator("[data-count=stored] dd")).to_have_text(str(STORED))
    refused_count = sum(REFUSED_BY_REASON.values())
    expect(summary.locator("[data-count=refused] dd")).to_have_text(str(refused_count))
    expect(page.locator("#report-table tbody tr")).to_have_count(56)
    expect(page.locator(".tag[data-reason=npa_format]")).to_have_text(
        "area code not valid: 2"
    )
    expect(page.locator(".tag[data-reason=nxx_n11]")).to_have_text(
        "exchange is an N11 code: 2"
    )
    shots.take("import-report")

    page.get_by_label("Outcome").select_option("refused")
    page.get_by_role("button", name="Show").click()
    refused = page.locator("#report-table tbody tr")
    expect(refused).to_have_count(refused_count)
    line_7 = refused.filter(has=page.get_by_role("cell", name="7", exact=True))
    expect(line_7).to_contain_text("not a number")
    expect(line_7).to_contain_text("contains letters")


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    page.goto(page.url.replace("/sign-in/", "/"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
