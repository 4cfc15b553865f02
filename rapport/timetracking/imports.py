"""CSV imports of tracked time: Toggl Track and Clockify detailed reports, or any CSV with a
column mapping.

Reading and importing are separate steps so the user sees every problem first: bad rows
by line number (then nothing is imported), and client or project names Rapport does not
know (the user maps or creates them; no row disappears silently). The import itself is
one transaction, and each row's import key (a hash of its content) makes a second import
of the same file change nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients.models import Client, Project
from rapport.core.models import Workspace
from rapport.timetracking.durations import parse_minutes
from rapport.timetracking.models import TimeEntry

TOGGL, CLOCKIFY, GENERIC = TimeEntry.Source.TOGGL, TimeEntry.Source.CLOCKIFY, TimeEntry.Source.CSV

# The fields a row can fill, with their labels for the column mapping form.
FIELDS: dict[str, object] = {
    "client": gettext_lazy("Client"),
    "project": gettext_lazy("Project"),
    "description": gettext_lazy("Description"),
    "task": gettext_lazy("Task"),
    "date": gettext_lazy("Start date"),
    "start": gettext_lazy("Start time"),
    "end_date": gettext_lazy("End date"),
    "end": gettext_lazy("End time"),
    "duration": gettext_lazy("Duration"),
    "billable": gettext_lazy("Billable"),
    "category": gettext_lazy("Category"),
    "tags": gettext_lazy("Tags"),
    "email": gettext_lazy("Email"),
}
REQUIRED = ("client", "date", "start")

# The documented column layouts of the two detailed-report exports.
LAYOUTS: dict[str, dict[str, str]] = {
    TOGGL: {"client": "Client", "project": "Project", "description": "Description",
            "task": "Task", "date": "Start date", "start": "Start time",
            "end_date": "End date", "end": "End time", "duration": "Duration",
            "billable": "Billable", "tags": "Tags", "email": "Email"},
    CLOCKIFY: {"client": "Client", "project": "Project", "description": "Description",
               "task": "Task", "date": "Start Date", "start": "Start Time",
               "end_date": "End Date", "end": "End Time", "duration": "Duration (h)",
               "billable": "Billable", "tags": "Tags", "email": "Email"},
}
NAMES = {TOGGL: "Toggl Track", CLOCKIFY: "Clockify"}

# Header names a generic file may use, English and German, for the first guess.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("client", "customer", "kunde", "auftraggeber", "mandant"),
    "project": ("project", "projekt"),
    "description": ("description", "notes", "note", "beschreibung", "tätigkeit", "notiz"),
    "task": ("task", "aufgabe"),
    "date": ("date", "start date", "datum", "startdatum", "day", "tag"),
    "start": ("start", "start time", "from", "von", "beginn", "startzeit"),
    "end_date": ("end date", "enddatum"),
    "end": ("end", "end time", "to", "bis", "ende", "endzeit"),
    "duration": ("duration", "hours", "dauer", "stunden", "zeit", "minutes", "minuten"),
    "billable": ("billable", "abrechenbar", "verrechenbar"),
    "category": ("category", "kategorie", "art", "type"),
    "tags": ("tags", "schlagworte"),
    "email": ("email", "e-mail", "user email"),
}

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    TimeEntry.Category.COMMUNICATION: ("communication", "kommunikation", "email", "e-mail",
                                       "mail", "phone", "telefon", "chat"),
    TimeEntry.Category.MEETINGS: ("meeting", "meetings", "call", "besprechung",
                                  "besprechungen", "termin", "termine"),
    TimeEntry.Category.ADMIN: ("admin", "administration", "verwaltung", "buchhaltung"),
    TimeEntry.Category.TRAVEL: ("travel", "reise", "reisezeit", "fahrt", "fahrtzeit"),
    TimeEntry.Category.WORK: ("work", "arbeit"),
}
YES = {"yes", "y", "true", "1", "ja", "j", "x", "billable", "abrechenbar", "wahr"}
NO = {"no", "n", "false", "0", "nein", "non-billable", "nicht abrechenbar", "falsch"}
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p")
NO_CLIENT = ""


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, not text)."""


@dataclass
class Row:
    line: int
    client: str
    project: str
    description: str
    started_at: dt.datetime
    minutes: int
    billable: bool
    category: str
    email: str = ""

    @property
    def ended_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(minutes=self.minutes)


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# -- reading the file ------------------------------------------------------------------

def decode(data: bytes) -> str:
    """Exports are UTF-8 (Toggl and Clockify, sometimes with a BOM); Excel saves cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not a text (CSV) file."))


def read_table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows, each with the line number it starts on in the file."""
    text = decode(data)
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text (CSV) file."))
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                continue
            rows.append((start, record))
    except csv.Error as exc:
        raise ImportFileError(_("Line %(line)d cannot be read as CSV: %(error)s")
                              % {"line": line, "error": exc}) from exc
    if not header:
        raise ImportFileError(_("The file is empty."))
    return header, rows


def _column_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().lower()
        index.setdefault(key, position)
        # "Amount (EUR)", "Billable Rate (USD)": the currency is part of the name.
        index.setdefault(re.sub(r"\s*\([^)]*\)$", "", key), position)
    return index


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A first column mapping for a generic file, from common English and German names."""
    lowered = {name.strip().lower(): name for name in header}
    mapping: dict[str, str] = {}
    for field_name, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            if synonym in lowered and lowered[synonym] not in mapping.values():
                mapping[field_name] = lowered[synonym]
                break
    return mapping


def layout_for(source: str, header: list[str], mapping: dict[str, str] | None) -> dict[str, str]:
    """field → column name; refuses a file that lacks the format's columns."""
    if source in LAYOUTS:
        layout = LAYOUTS[source]
        index = _column_index(header)
        required = [layout[name] for name in (*REQUIRED, "duration")]
        missing = [column for column in required if column.lower() not in index]
        if missing:
            raise ImportFileError(
                _("This does not look like a %(tool)s detailed report: the columns "
                  "%(columns)s are missing. Export the detailed report as CSV, or choose "
                  "“Other CSV” and map the columns.")
                % {"tool": NAMES[source], "columns": ", ".join(missing)})
        return {name: column for name, column in layout.items() if column.lower() in index}
    mapping = {name: column for name, column in (mapping or {}).items()
               if name in FIELDS and column}
    unknown = [column for column in mapping.values() if column not in header]
    missing = [str(FIELDS[name]) for name in REQUIRED if name not in mapping]
    if "duration" not in mapping and "end" not in mapping:
        missing.append(f"{FIELDS['duration']} / {FIELDS['end']}")
    if unknown or missing:
        raise ImportFileError(_("Map a column to each of: %(fields)s.")
                              % {"fields": ", ".join(missing + unknown)})
    return mapping


# -- reading the values ----------------------------------------------------------------

def _date_order(values: list[str]) -> str:
    """For dd/mm vs. mm/dd (Clockify writes the user's format): a first part above 12
    decides for the whole file; otherwise month first, Clockify's default."""
    for value in values:
        parts = value.strip().split("/")
        if len(parts) == 3 and parts[0].isdigit() and int(parts[0]) > 12:
            return "%d/%m/%Y"
    return "%m/%d/%Y"


def _parse_date(value: str, slash_order: str) -> dt.date | None:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", slash_order, "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _parse_time(value: str) -> dt.time | None:
    value = value.strip().upper()
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    return None


def _split_datetime(value: str) -> tuple[str, str]:
    """A start column may carry date and time ("2026-03-02 09:00", ISO "…T09:00:00")."""
    parts = re.split(r"[ T]", value.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (value, "")


def _category(*texts: str) -> str:
    words = {w.strip().lower() for text in texts for w in re.split(r"[,;|]", text) if w.strip()}
    for category, synonyms in CATEGORY_WORDS.items():
        if words & set(synonyms):
            return category
    return TimeEntry.Category.WORK


def parse(source: str, data: bytes, zone: ZoneInfo,
          mapping: dict[str, str] | None = None) -> Parsed:
    """Read every row; a row that cannot be read becomes a problem with its line number."""
    header, records = read_table(data)
    layout = layout_for(source, header, mapping)
    position = {name: header.index(column) if column in header
                else _column_index(header)[column.lower()] for name, column in layout.items()}

    def cell(record: list[str], name: str) -> str:
        index = position.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    date_cells = [cell(r, "date") for _line, r in records]
    slash_order = _date_order([_split_datetime(v)[0] for v in date_cells])
    parsed = Parsed()
    for line, record in records:
        errors: list[str] = []
        date_text, time_text = cell(record, "date"), cell(record, "start")
        if not time_text or position.get("date") == position.get("start"):
            date_text, time_text = _split_datetime(date_text)
        elif not date_text:
            date_text, time_text = _split_datetime(time_text)
        day, start_time = _parse_date(date_text, slash_order), _parse_time(time_text)
        if day is None:
            errors.append(_("the start date “%(value)s” is not a date") % {"value": date_text})
        if start_time is None:
            errors.append(_("the start time “%(value)s” is not a time") % {"value": time_text})
        minutes: int | None = None
        duration_text = cell(record, "duration")
        if duration_text:
            minutes = parse_minutes(duration_text)
            if minutes is None:
                errors.append(_("the duration “%(value)s” is not a duration")
                              % {"value": duration_text})
        started = (dt.datetime.combine(day, start_time, tzinfo=zone)
                   if day and start_time else None)
        end_text = cell(record, "end")
        if minutes is None and not duration_text:
            end_day = _parse_date(cell(record, "end_date"), slash_order) or day
            end_time = _parse_time(end_text) if end_text else None
            if end_time is None:
                errors.append(_("neither a duration nor an end time"))
            elif started and end_day:
                ended = dt.datetime.combine(end_day, end_time, tzinfo=zone)
                if ended < started:
                    errors.append(_("the end is before the start"))
                else:
                    minutes = int((ended - started).total_seconds() // 60)
        if minutes is not None and minutes > 60 * 24 * 7:
            errors.append(_("the entry is longer than a week"))
        billable_text = cell(record, "billable").lower()
        if billable_text in YES or ("billable" not in position and not billable_text):
            billable = True
        elif billable_text in NO or not billable_text:
            billable = False
        else:
            billable = False
            errors.append(_("“%(value)s” is neither yes nor no for billable")
                          % {"value": cell(record, "billable")})
        description = cell(record, "description")
        if len(description) > 500:
            errors.append(_("the description is longer than 500 characters"))
        if errors or started is None or minutes is None:
            parsed.problems.append(Problem(line, "; ".join(errors)))
            continue
        task = cell(record, "task")
        if task and task.lower() not in description.lower():
            description = f"{task}: {description}" if description else task
        parsed.rows.append(Row(
            line=line, client=cell(record, "client"), project=cell(record, "project"),
            description=description[:500], started_at=started, minutes=minutes,
            billable=billable, email=cell(record, "email"),
            category=_category(cell(record, "category"), cell(record, "tags"), task),
        ))
    return parsed


# -- names: matching, listing what is unknown, applying the user's mapping ----------------

CREATE, SKIP, NO_PROJECT = "new", "skip", "none"


@dataclass
class Names:
    """What the file names, matched against the workspace (case-insensitive)."""

    clients: dict[str, Client | None]
    projects: dict[tuple[str, str], Project | None]

    @property
    def unknown_clients(self) -> list[str]:
        return sorted(name for name, client in self.clients.items() if client is None)

    @property
    def unknown_projects(self) -> list[tuple[str, str]]:
        return sorted(key for key, project in self.projects.items() if project is None)


def match_names(workspace: Workspace, rows: list[Row]) -> Names:
    by_name = {c.name.strip().lower(): c for c in Client.objects.filter(workspace=workspace)
               .order_by("-status", "pk")}
    clients = {row.client: by_name.get(row.client.lower()) if row.client else None
               for row in rows}
    projects: dict[tuple[str, str], Project | None] = {}
    for row in rows:
        if not row.project or (row.client, row.project) in projects:
            continue
        client = clients[row.client]
        found = None
        if client is not None:
            found = (Project.objects.filter(workspace=workspace, client=client,
                                            name__iexact=row.project).order_by("pk").first())
        projects[(row.client, row.project)] = found
    return Names(clients, projects)


@dataclass
class Result:
    imported: int = 0
    duplicates: int = 0
    skipped: int = 0
    created_clients: list[str] = field(default_factory=list)
    created_projects: list[str] = field(default_factory=list)


def import_key(row: Row, occurrence: int) -> str:
    """Stable per row content (not per mapping), so re-importing the file is a no-op."""
    text = "\x1f".join([row.email.lower(), row.client, row.project, row.description,
                        row.started_at.isoformat(), str(row.minutes), str(occurrence)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class MappingError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@transaction.atomic
def run_import(workspace: Workspace, source: str, rows: list[Row], names: Names, *,
               user: object = None, client_map: dict[str, str] | None = None,
               project_map: dict[tuple[str, str], str] | None = None) -> Result:
    """Store the rows. `client_map` answers each unknown client name with a client pk,
    CREATE or SKIP; `project_map` each unknown project with a project pk, CREATE or
    NO_PROJECT. An unanswered name stops the import before anything is written."""
    client_map, project_map = client_map or {}, project_map or {}
    result = Result()
    problems: list[str] = []
    clients: dict[str, Client | None] = {}
    for name, known in names.clients.items():
        choice = client_map.get(name, "")
        if known is not None:
            clients[name] = known
        elif choice == SKIP:
            clients[name] = None
        elif choice == CREATE and name:
            clients[name] = Client.objects.create(workspace=workspace, name=name[:200])
            result.created_clients.append(name)
        elif choice.isdigit() and (found := Client.objects.filter(
                workspace=workspace, pk=int(choice)).first()):
            clients[name] = found
        else:
            problems.append(_("Choose a client for “%(name)s”.")
                            % {"name": name or _("(no client)")})
    projects: dict[tuple[str, str], Project | None] = {}
    for key, known in names.projects.items():
        client = clients.get(key[0])
        choice = project_map.get(key, "")
        if client is None:
            continue
        if known is not None and known.client_id == client.pk:
            projects[key] = known
        elif choice == NO_PROJECT:
            projects[key] = None
        elif choice == CREATE or (known is not None and not choice):
            existing = Project.objects.filter(workspace=workspace, client=client,
                                              name__iexact=key[1]).first()
            projects[key] = existing or Project.objects.create(
                workspace=workspace, client=client, name=key[1][:200], amount=0,
                currency=workspace.default_currency, status=Project.Status.ACTIVE)
            if existing is None:
                result.created_projects.append(f"{client.name} · {key[1]}")
        elif choice.isdigit() and (found := Project.objects.filter(
                workspace=workspace, pk=int(choice)).first()):
            if found.client_id != client.pk:
                problems.append(_("The project “%(project)s” belongs to another client than "
                                  "%(client)s.") % {"project": found.name, "client": client.name})
            projects[key] = found
        else:
            problems.append(_("Choose a project for “%(project)s” (%(client)s).")
                            % {"project": key[1], "client": key[0] or _("(no client)")})
    if problems:
        transaction.set_rollback(True)
        raise MappingError(problems)

    seen: Counter[tuple[object, ...]] = Counter()
    existing = set(TimeEntry.objects.filter(workspace=workspace).exclude(import_key="")
                   .values_list("import_key", flat=True))
    new: list[TimeEntry] = []
    for row in rows:
        identity = (row.email.lower(), row.client, row.project, row.description,
                    row.started_at, row.minutes)
        seen[identity] += 1
        client = clients.get(row.client)
        if client is None:
            result.skipped += 1
            continue
        key = import_key(row, seen[identity])
        if key in existing:
            result.duplicates += 1
            continue
        existing.add(key)
        new.append(TimeEntry(
            workspace=workspace, client=client, project=projects.get((row.client, row.project)),
            user=user, category=row.category, billable=row.billable,
            started_at=row.started_at, ended_at=row.ended_at, minutes=row.minutes,
            description=row.description, source=source, import_key=key,
        ))
    TimeEntry.objects.bulk_create(new, batch_size=500)
    result.imported = len(new)
    return result


class RowProblems(Exception):
    """Some rows cannot be read: nothing is imported until the file is fixed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} rows cannot be read")
        self.problems = problems


def import_file(workspace: Workspace, source: str, data: bytes, *, user: object = None,
                mapping: dict[str, str] | None = None,
                client_map: dict[str, str] | None = None,
                project_map: dict[tuple[str, str], str] | None = None,
                create_missing: bool = False) -> Result:
    """Read and import a whole file, or nothing: bad rows raise RowProblems, unanswered
    names MappingError. `create_missing` answers every unknown name with "create" (rows
    without a client still need an answer)."""
    parsed = parse(source, data, ZoneInfo(workspace.time_zone), mapping)
    if parsed.problems:
        raise RowProblems(parsed.problems)
    names = match_names(workspace, parsed.rows)
    client_map, project_map = dict(client_map or {}), dict(project_map or {})
    if create_missing:
        for name in names.unknown_clients:
            if name:
                client_map.setdefault(name, CREATE)
        for key in names.unknown_projects:
            project_map.setdefault(key, CREATE)
    return run_import(workspace, source, parsed.rows, names, user=user,
                      client_map=client_map, project_map=project_map)
