"""Importing Toggl Track and Clockify detailed reports and other CSV files: every bad row
named by line, nothing half-imported, unknown names asked about, a second import a no-op."""

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from rapport.clients.models import Client, Project
from rapport.timetracking import imports
from rapport.timetracking.models import TimeEntry, TimeImport
from tests.conftest import make_client

DATA = Path(__file__).parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
TOGGL = (DATA / "toggl_detailed.csv").read_bytes()
CLOCKIFY = (DATA / "clockify_detailed.csv").read_bytes()


@pytest.fixture
def acme(workspace):
    client = make_client(workspace, "Acme GmbH")
    Project.objects.create(workspace=workspace, client=client, name="Website Relaunch",
                           amount=0)
    return client


def _answers():
    return {"client_map": {"Kranich Verlag": imports.CREATE, "": imports.SKIP},
            "project_map": {("Kranich Verlag", "Buchreihe"): imports.CREATE}}


def test_a_toggl_report_is_read_with_times_categories_and_billable_flags(workspace, acme):
    parsed = imports.parse(imports.TOGGL, TOGGL, BERLIN)
    assert parsed.problems == []
    first, call, chat, night, admin = parsed.rows
    assert (first.line, first.client, first.project) == (2, "Acme GmbH", "Website Relaunch")
    assert first.description == "Navigation, footer and search"
    assert first.started_at == dt.datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    assert first.minutes == 150 and first.billable and first.category == "work"
    assert call.category == "meetings"
    assert chat.description == 'Answering "quick questions"' and not chat.billable
    assert chat.category == "communication"
    assert night.minutes == 150 and night.description == "Layout: Cover drafts"
    assert admin.client == "" and admin.category == "admin"


def test_unknown_clients_and_projects_are_listed_not_dropped(workspace, acme):
    parsed = imports.parse(imports.TOGGL, TOGGL, BERLIN)
    names = imports.match_names(workspace, parsed.rows)
    assert names.unknown_clients == ["", "Kranich Verlag"]
    assert names.unknown_projects == [("Kranich Verlag", "Buchreihe")]
    with pytest.raises(imports.MappingError) as refused:
        imports.import_file(workspace, imports.TOGGL, TOGGL,
                            client_map={"Kranich Verlag": imports.CREATE})
    assert "Choose a client for “(no client)”." in refused.value.messages
    # Nothing half-imported: not even the client that was to be created.
    assert not TimeEntry.objects.exists()
    assert not Client.objects.filter(name="Kranich Verlag").exists()


def test_a_toggl_import_with_answers_and_its_repetition(workspace, owner, acme):
    result = imports.import_file(workspace, imports.TOGGL, TOGGL, user=owner, **_answers())
    assert (result.imported, result.duplicates, result.skipped) == (4, 0, 1)
    assert result.created_clients == ["Kranich Verlag"]
    kranich = Client.objects.get(name="Kranich Verlag")
    night = TimeEntry.objects.get(client=kranich)
    assert night.project.name == "Buchreihe" and night.source == TimeEntry.Source.TOGGL
    assert night.ended_at == dt.datetime(2026, 3, 4, 1, tzinfo=BERLIN)
    assert TimeEntry.objects.filter(client=acme, project__name="Website Relaunch").count() == 2
    again = imports.import_file(workspace, imports.TOGGL, TOGGL, user=owner, **_answers())
    assert (again.imported, again.duplicates) == (0, 4)
    assert TimeEntry.objects.count() == 4


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(workspace, acme):
    lines = TOGGL.decode("utf-8-sig").splitlines()
    lines[2] = lines[2].replace("2026-03-02", "2026-02-30")
    lines[4] = lines[4].replace("02:30:00,,200.00", "two hours,,200.00")
    broken = "\n".join(lines).encode()
    with pytest.raises(imports.RowProblems) as refused:
        imports.import_file(workspace, imports.TOGGL, broken, create_missing=True,
                            client_map={"": imports.SKIP})
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (3, "the start date “2026-02-30” is not a date"),
        (5, "the duration “two hours” is not a duration"),
    ]
    assert not TimeEntry.objects.exists()


def test_a_file_from_the_wrong_tool_is_refused_as_a_whole(workspace):
    with pytest.raises(imports.ImportFileError, match="Clockify detailed report"):
        imports.parse(imports.CLOCKIFY, TOGGL, BERLIN)


def test_a_clockify_report_with_twelve_hour_times_is_imported(workspace, acme):
    result = imports.import_file(workspace, imports.CLOCKIFY, CLOCKIFY)
    assert result.imported == 3
    checkout, train, workshop = TimeEntry.objects.order_by("started_at")
    assert checkout.started_at == dt.datetime(2026, 3, 9, 9, tzinfo=BERLIN)
    assert checkout.minutes == 195 and checkout.description == "Development: Checkout page"
    assert train.category == "travel" and not train.billable
    assert workshop.category == "meetings" and workshop.minutes == 180
    assert imports.import_file(workspace, imports.CLOCKIFY, CLOCKIFY).duplicates == 3


def test_a_german_spreadsheet_is_mapped_by_its_headers(workspace, acme):
    data = ("Datum;Von;Bis;Kunde;Projekt;Tätigkeit;Abrechenbar\n"
            "02.03.2026;09:00;10:30;acme gmbh;website relaunch;Konzept;ja\n"
            "03.03.2026;13:00;13:20;Acme GmbH;;Telefonat;nein\n").encode("cp1252")
    header, _rows = imports.read_table(data)
    mapping = imports.guess_mapping(header)
    assert mapping == {"client": "Kunde", "project": "Projekt", "description": "Tätigkeit",
                       "date": "Datum", "start": "Von", "end": "Bis", "billable": "Abrechenbar"}
    result = imports.import_file(workspace, imports.GENERIC, data, mapping=mapping)
    assert result.imported == 2
    concept = TimeEntry.objects.get(description="Konzept")
    assert concept.client == acme and concept.project.name == "Website Relaunch"
    assert concept.minutes == 90 and concept.billable


def test_the_upload_page_asks_about_unknown_names_then_imports(owner_http, workspace, acme):
    upload = SimpleUploadedFile("Toggl_time_entries_2026-03-01_to_2026-03-31.csv", TOGGL,
                                content_type="text/csv")
    response = owner_http.post("/time/import/", {"format": "toggl", "file": upload})
    pending = TimeImport.objects.get()
    assert response["Location"] == f"/time/import/{pending.pk}/"
    page = owner_http.get(response["Location"]).content.decode()
    assert "Kranich Verlag" in page and "Buchreihe" in page and "(no client)" in page
    # An unanswered name: nothing imported, the question is repeated.
    page = owner_http.post(response["Location"], {"client-1": "new"}).content.decode()
    assert "Choose a client for “(no client)”." in page
    assert not TimeEntry.objects.exists()
    owner_http.post(response["Location"], {"client-0": "skip", "client-1": "new",
                                           "project-0": "new"})
    assert TimeEntry.objects.count() == 4
    assert not TimeImport.objects.exists()


def test_the_upload_page_lists_bad_lines(owner_http, workspace, acme):
    broken = TOGGL.replace(b"09:00:00,2026-03-02", b"9 o'clock,2026-03-02")
    owner_http.post("/time/import/", {"format": "toggl", "file": SimpleUploadedFile(
        "report.csv", broken, content_type="text/csv")})
    page = owner_http.get(f"/time/import/{TimeImport.objects.get().pk}/").content.decode()
    assert "Line 2: the start time “9 o&#x27;clock” is not a time" in page
    assert "Nothing was imported" in page


def test_the_command_imports_and_repeats_as_a_no_op(workspace, acme, tmp_path):
    path = tmp_path / "clockify.csv"
    path.write_bytes(CLOCKIFY)
    out = StringIO()
    call_command("import-time", str(path), "--format", "clockify", stdout=out)
    assert "3 imported, 0 already imported" in out.getvalue()
    call_command("import-time", str(path), "--format", "clockify", stdout=out)
    assert "0 imported, 3 already imported" in out.getvalue()


def test_the_command_stops_on_unknown_names_unless_told(workspace, acme, tmp_path):
    path = tmp_path / "toggl.csv"
    path.write_bytes(TOGGL)
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-time", str(path), "--format", "toggl", stderr=err)
    assert "Kranich Verlag" in err.getvalue()
    assert not TimeEntry.objects.exists()
    out = StringIO()
    call_command("import-time", str(path), "--format", "toggl", "--create-missing",
                 "--skip-without-client", f"--workspace={workspace.pk}", stdout=out)
    assert "4 imported" in out.getvalue() and "1 left out" in out.getvalue()


def test_an_other_csv_is_imported_after_choosing_its_columns(owner_http, workspace, acme):
    data = (b"When,Hours,Customer,What\n"
            b"2026-03-02 09:00,1.5,Acme GmbH,Wireframes\n")
    owner_http.post("/time/import/", {"format": "csv", "file": SimpleUploadedFile(
        "hours.csv", data, content_type="text/csv")})
    review = f"/time/import/{TimeImport.objects.get().pk}/"
    columns = owner_http.get(review)
    assert columns["Location"] == review + "columns/"
    page = owner_http.get(columns["Location"]).content.decode()
    assert "Which column holds what?" in page and '<option value="Customer">' in page
    owner_http.post(columns["Location"], {"client": "Customer", "date": "When",
                                          "start": "When", "duration": "Hours",
                                          "description": "What"})
    assert "1 entry with 1:30 h is ready to import." in owner_http.get(review).content.decode()
    owner_http.post(review)
    entry = TimeEntry.objects.get()
    assert entry.client == acme and entry.minutes == 90 and entry.source == "csv"
    assert entry.started_at == dt.datetime(2026, 3, 2, 9, tzinfo=BERLIN)
