"""A partner list from a spreadsheet: read an XLSX or CSV file of members into the rows the
member form takes, naming every problem with its row and column.

The file is read here and only here: its type, size, header and cells. Whether each row is
a valid member (a region of its country, one coordinator, no organisation twice) is the
member form's business: :func:`bind_rows` binds every row to it, beside the consortium's
current members, so that a file is checked exactly as the form checks what is typed.
Nothing is saved here (``services.consortium_members_import`` does that).
"""
import csv
from dataclasses import dataclass
import io
import unicodedata
import zipfile

from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext as _, ngettext, pgettext_lazy
import openpyxl
from openpyxl.utils import get_column_letter

from calls.countries import country_name, iso_code
from calls.models import Country, EccpStatus, OrganisationType, Region

from .forms import MAX_MEMBERS, BaseMemberFormSet, MemberChoices, MemberFormSet
from .models import Consortium, Member
from .services import MemberDraft

MAX_FILE_BYTES = 1024 * 1024
# An XLSX file is a zip archive: what it unpacks to is limited too (a small file can unpack
# to gigabytes).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
LANGUAGES = ("en", "ro")
HEADER_ROW = 1

# The template's columns, in order: the member form's field and the header naming it.
COLUMNS = (
    ("name", pgettext_lazy("spreadsheet column", "Legal name")),
    ("country", pgettext_lazy("spreadsheet column", "Country")),
    ("region", pgettext_lazy("spreadsheet column", "NUTS 2 region")),
    ("organisation_type", pgettext_lazy("spreadsheet column", "Organisation type")),
    ("eccp_status", pgettext_lazy("spreadsheet column", "ECCP status")),
    ("eccp_profile_url", pgettext_lazy("spreadsheet column", "ECCP profile URL")),
    ("is_coordinator", pgettext_lazy("spreadsheet column", "Coordinator")),
)
REQUIRED_COLUMNS = ("name",)
YES = {"yes", "y", "da", "d", "x", "1", "true", "adevarat"}
NO = {"", "no", "n", "nu", "0", "false", "fals"}


@dataclass(frozen=True)
class Problem:
    """One problem of the file: where (a row and a column, when known) and what."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column %(column)s: %(message)s") % {
                "column": self.column, "message": self.message}
        return self.message


class FileRefused(Exception):
    """The file cannot be imported; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    """One member as read from the file: its row number, and the member form's data (strings,
    as a browser would send them)."""

    number: int
    data: dict[str, str]


@dataclass(frozen=True)
class MemberFile:
    """What was read: the rows, each field's column as the file names it, and the cells that
    could not be read (their field is left empty in the row)."""

    rows: list[Row]
    columns: dict[str, str]
    unreadable: tuple[tuple[int, str, str], ...] = ()  # row number, field, message

    def to_session(self) -> dict:
        """The rows as JSON-ready data, kept on the server between the preview and the save."""
        return {"rows": [[row.number, row.data] for row in self.rows], "columns": self.columns}

    @classmethod
    def from_session(cls, stored: dict) -> "MemberFile":
        return cls(rows=[Row(number, data) for number, data in stored["rows"]],
                   columns=stored["columns"])


def _folded(text: str) -> str:
    """Text as compared with what we expect: accents, case and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", " ".join(str(text).split()))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def header_names(language: str) -> dict[str, str]:
    """Each column's header in ``language``, by field, in the template's order."""
    with translation.override(language):
        return {field: str(header) for field, header in COLUMNS}


def headers(language: str) -> list[str]:
    """The template's header row in ``language``."""
    return list(header_names(language).values())


def _field_of_header() -> dict[str, str]:
    """Every header the import accepts, in either language, folded, with its field."""
    return {
        _folded(header): field
        for language in LANGUAGES
        for field, header in header_names(language).items()
    }


# Reading the cells of either type of file.

def read_member_file(upload: UploadedFile, consortium: Consortium) -> MemberFile:
    """Read an uploaded XLSX or CSV file of members for ``consortium``'s call, or raise
    :class:`FileRefused` naming every problem found."""
    if not upload.size:
        raise FileRefused([Problem(_("The file is empty."))])
    if upload.size > MAX_FILE_BYTES:
        raise FileRefused([Problem(_(
            "The file is %(size)s KiB; at most %(limit)s KiB is accepted. A list of %(count)d "
            "members is far smaller: remove other sheets or pictures."
        ) % {"size": upload.size // 1024, "limit": MAX_FILE_BYTES // 1024,
             "count": MAX_MEMBERS})])
    content = upload.read(MAX_FILE_BYTES + 1)
    name = (upload.name or "").lower()
    if content.startswith(b"PK\x03\x04"):
        cells = _xlsx_cells(content)
    elif name.endswith((".xlsx", ".xlsm", ".xls", ".ods")) or b"\0" in content[:4096]:
        raise FileRefused([Problem(_(
            "This is not an XLSX or CSV file. Save the spreadsheet as “Excel Workbook "
            "(.xlsx)” or “CSV UTF-8”, or start from the template."
        ))])
    else:
        cells = _csv_cells(content)
    return _member_rows(cells, MemberChoices.for_call(consortium.call), consortium)


def _xlsx_cells(content: bytes) -> list[tuple[int, list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused([Problem(_("The XLSX file is damaged and cannot be read."))]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused([Problem(_(
            "The XLSX file unpacks to more than %(limit)s MiB; a list of members is far "
            "smaller. Copy the members into the template."
        ) % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a file that is not a workbook
        raise FileRefused([Problem(_(
            "The file cannot be read as an XLSX workbook. Save it again as “Excel Workbook "
            "(.xlsx)”, or start from the template."
        ))]) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list]] = []
        formulas: list[Problem] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values: list = []
            for column, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(Problem(
                        _("a formula; type its value instead"), number,
                        get_column_letter(column)
                    ))
                    values.append(None)
                else:
                    values.append(cell.value)
            rows.append((number, values))
            if sum(1 for _n, row in rows if any(_text(value) for value in row)) > (
                MAX_MEMBERS + HEADER_ROW
            ):
                break  # one member too many is enough to refuse the file
    finally:
        workbook.close()
    if formulas:
        raise FileRefused(formulas)
    return rows


def _csv_cells(content: bytes) -> list[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused([Problem(_(
            "The CSV file is not UTF-8 text. In Excel choose “Save as” and “CSV UTF-8 "
            "(comma delimited)”, or upload the XLSX file itself."
        ))]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, values in enumerate(reader, start=1):
            rows.append((number, list(values)))
    except csv.Error as error:
        raise FileRefused([Problem(_("The CSV file cannot be read: %(error)s") % {
            "error": error})]) from None
    formulas = [
        Problem(_("a formula; type its value instead"), number, get_column_letter(index))
        for number, values in rows[HEADER_ROW:]
        for index, value in enumerate(values, start=1)
        if isinstance(value, str) and value.strip()[:1] == "="
    ]
    if formulas:
        raise FileRefused(formulas)
    return rows


# From cells to the member form's data.

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header(cells: list[tuple[int, list]]) -> tuple[dict[int, str], dict[str, str]]:
    """Each column's field, by index, and each field's column as the file names it."""
    if not cells:
        raise FileRefused([Problem(_("The file is empty."))])
    _number, names = cells[0]
    accepted = _field_of_header()
    fields: dict[int, str] = {}
    columns: dict[str, str] = {}
    problems = []
    for index, value in enumerate(names):
        name = _text(value)
        letter = get_column_letter(index + 1)
        column_data = [row[index] for _n, row in cells[1:] if index < len(row)]
        if not name:
            if any(_text(value) for value in column_data):
                problems.append(Problem(_("this column has values but no header"),
                                        HEADER_ROW, letter))
            continue
        field = accepted.get(_folded(name))
        if field is None:
            problems.append(Problem(_(
                "“%(header)s” is not a column of the template. The columns are: %(columns)s."
            ) % {"header": name, "columns": ", ".join(headers(translation.get_language()
                                                              or "en"))},
                HEADER_ROW, letter))
        elif field in columns:
            problems.append(Problem(
                _("“%(header)s” is there twice; keep one of the columns.") % {"header": name},
                HEADER_ROW, letter,
            ))
        else:
            fields[index] = field
            columns[field] = _("%(letter)s “%(header)s”") % {"letter": letter, "header": name}
    for field in REQUIRED_COLUMNS:
        if field not in columns and not problems:
            header = dict(COLUMNS)[field]
            problems.append(Problem(_(
                "The header row (row 1) has no column “%(header)s”. Start from the template: "
                "its first row names the columns."
            ) % {"header": header}))
    if problems:
        raise FileRefused(problems)
    return fields, columns


def _choice_values(choices) -> dict[str, str]:
    """Each choice by its value and by its label in either language, folded."""
    accepted = {}
    for value, label in choices.choices:
        accepted[_folded(value)] = value
        for language in LANGUAGES:
            with translation.override(language):
                accepted[_folded(str(label))] = value
    return accepted


def _country_values() -> dict[str, str]:
    accepted = {}
    for code in Country.objects.values_list("code", flat=True):
        for language in LANGUAGES:
            accepted[_folded(country_name(code, language))] = code
    return accepted


def _region_values(choices: MemberChoices) -> dict[str, str]:
    """Each region of the call by its code, its aliases' codes and "Name (CODE)", folded."""
    accepted = {}
    queryset = choices.region_queryset
    for pk, code, name in queryset.values_list("pk", "code", "name"):
        accepted[_folded(code)] = str(pk)
        accepted[_folded(f"{name} ({code})")] = str(pk)
    aliases = Region.objects.filter(pk__in=queryset.values("pk")).values_list(
        "pk", "aliases__code"
    )
    for pk, alias in aliases:
        if alias:
            accepted.setdefault(_folded(alias), str(pk))
    return accepted


class _Readers:
    """How each column's text becomes the form's value, or a problem."""

    def __init__(self, choices: MemberChoices):
        self.organisation_types = _choice_values(OrganisationType)
        self.eccp_statuses = _choice_values(EccpStatus)
        self.countries = _country_values()
        self.regions = _region_values(choices)

    def read(self, field: str, text: str) -> str:
        """The form's value for ``text`` in column ``field``; ValueError says what is wrong."""
        if not text or field in {"name", "eccp_profile_url"}:
            if field == "is_coordinator":
                return ""
            return text
        folded = _folded(text)
        if field == "country":
            code = iso_code(text) if len(text) == 2 else None
            code = code or self.countries.get(folded)
            if code is None:
                raise ValueError(_(
                    "“%(value)s” is not a country: write its name or its two-letter code "
                    "(RO, DE, EL)."
                ) % {"value": text})
            return code
        if field == "region":
            region = self.regions.get(folded)
            if region is None:
                raise ValueError(_(
                    "“%(value)s” is not a NUTS 2 region of this call's classification: write "
                    "its code (RO21), or leave it empty for a country without regions."
                ) % {"value": text})
            return region
        if field in {"organisation_type", "eccp_status"}:
            accepted, choices = (
                (self.organisation_types, OrganisationType) if field == "organisation_type"
                else (self.eccp_statuses, EccpStatus)
            )
            value = accepted.get(folded)
            if value is None:
                raise ValueError(_("“%(value)s” is not one of: %(choices)s.") % {
                    "value": text, "choices": "; ".join(str(label) for label in choices.labels)
                })
            return value
        if field == "is_coordinator":
            if folded in YES:
                return "on"
            if folded in NO:
                return ""
            raise ValueError(_("“%(value)s”: write “yes” for the coordinator, or leave it "
                               "empty.") % {"value": text})
        return text


def _member_rows(cells: list[tuple[int, list]], choices: MemberChoices,
                 consortium: Consortium) -> MemberFile:
    fields, columns = _header(cells)
    readers = _Readers(choices)
    rows: list[Row] = []
    unreadable: list[tuple[int, str, str]] = []
    for number, values in cells[HEADER_ROW:]:
        texts = {field: _text(values[index]) if index < len(values) else ""
                 for index, field in fields.items()}
        if not any(texts.values()):
            continue
        data = {}
        for field, text in texts.items():
            try:
                data[field] = readers.read(field, text)
            except ValueError as error:
                unreadable.append((number, field, str(error)))
                data[field] = ""
        rows.append(Row(number, data))
    if not rows:
        raise FileRefused([Problem(_("The file has its header row but no member below it."))])
    if len(rows) > MAX_MEMBERS:
        raise FileRefused([Problem(ngettext(
            "The file lists more than %(limit)d member; a consortium has at most %(limit)d.",
            "The file lists more than %(limit)d members; a consortium has at most %(limit)d.",
            MAX_MEMBERS,
        ) % {"limit": MAX_MEMBERS})])
    return MemberFile(rows=rows, columns=columns, unreadable=tuple(unreadable))


# Checking the rows as the member form checks them.

def bind_rows(member_file: MemberFile, consortium: Consortium, *,
              replace: bool) -> BaseMemberFormSet:
    """The consortium's member formset with the file's rows as new members, after the current
    members (or instead of them, with ``replace``), bound as if typed on the page."""
    current = [] if replace else list(consortium.members.order_by("-is_coordinator", "id"))
    data = {
        "members-TOTAL_FORMS": str(len(current) + len(member_file.rows)),
        "members-INITIAL_FORMS": str(len(current)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": str(MAX_MEMBERS),
    }
    for index, member in enumerate(current):
        data.update(_member_data(index, member))
    for index, row in enumerate(member_file.rows, start=len(current)):
        for field, value in row.data.items():
            data[f"members-{index}-{field}"] = value
    queryset = Member.objects.filter(pk__in=[member.pk for member in current]).order_by(
        "-is_coordinator", "id"
    )
    return MemberFormSet(
        data, instance=consortium, prefix="members", queryset=queryset,
        form_kwargs={"choices": MemberChoices.for_call(consortium.call)},
    )


def _member_data(index: int, member: Member) -> dict[str, str]:
    prefix = f"members-{index}-"
    return {
        prefix + "id": str(member.pk),
        prefix + "name": member.name,
        prefix + "country": member.country_id or "",
        prefix + "region": str(member.region_id or ""),
        prefix + "organisation_type": member.organisation_type,
        prefix + "eccp_status": member.eccp_status,
        prefix + "eccp_profile_url": member.eccp_profile_url,
        prefix + "is_coordinator": "on" if member.is_coordinator else "",
    }


def check_rows(member_file: MemberFile, consortium: Consortium, *,
               replace: bool) -> tuple[BaseMemberFormSet, list[Problem]]:
    """The file's rows bound to the member form (see :func:`bind_rows`), and every problem:
    the cells that could not be read and the form's errors, by row and column, in order."""
    members = bind_rows(member_file, consortium, replace=replace)
    members.is_valid()
    problems = [
        Problem(message, number, member_file.columns[field])
        for number, field, message in member_file.unreadable
    ]
    problems += form_problems(members, member_file)
    problems.sort(key=lambda problem: (problem.row or 0, problem.column or ""))
    return members, problems


def new_member_drafts(members: BaseMemberFormSet) -> list[MemberDraft]:
    """The file's members, from a valid bound formset (see :func:`check_rows`), as the plain
    values ``services.consortium_members_import`` saves."""
    return [draft for draft in members.member_drafts() if draft.pk is None]


def form_problems(members: BaseMemberFormSet, member_file: MemberFile) -> list[Problem]:
    """Every error of the bound formset, named by the file's row and column (or, for an
    error on a current member, by that member's name). A field whose cell could not be read
    was left empty: what the form says of it repeats nothing useful and is left out."""
    current = members.initial_form_count()
    unreadable = {(number, field) for number, field, _message in member_file.unreadable}
    problems = [Problem(str(message)) for message in members.non_form_errors()]
    for index, form in enumerate(members.forms):
        for field, messages in form.errors.items():
            if index >= current and (member_file.rows[index - current].number,
                                     field) in unreadable:
                continue
            for message in messages:
                if index < current:
                    problems.append(Problem(_("Current member “%(name)s”: %(message)s") % {
                        "name": form.initial.get("name", ""), "message": message}))
                    continue
                row = member_file.rows[index - current]
                column = member_file.columns.get(field) if field != "__all__" else None
                if column is None and field not in ("__all__", "id"):
                    column = str(dict(COLUMNS).get(field, field))
                problems.append(Problem(str(message), row.number, column))
    return problems


# The template.

def template_xlsx(language: str) -> bytes:
    """An XLSX workbook with the header row in ``language``, and on a second sheet what to
    write in each column (the accepted values of the list columns among it)."""
    with translation.override(language):
        workbook = openpyxl.Workbook()
        sheet = workbook.worksheets[0]
        sheet.title = _("Members")
        sheet.append(headers(language))
        for index, width in enumerate((40, 18, 16, 30, 34, 50, 14), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        guide = workbook.create_sheet(_("How to fill it in"))
        for line in _guidance(language):
            guide.append(line)
        guide.column_dimensions["A"].width = 28
        guide.column_dimensions["B"].width = 90
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def template_csv(language: str) -> bytes:
    """The header row in ``language`` as CSV (UTF-8 with a byte order mark, which Excel
    needs to read the diacritics)."""
    output = io.StringIO()
    csv.writer(output).writerow(headers(language))
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _guidance(language: str) -> list[list[str]]:
    with translation.override(language):
        names = header_names(language)
        return [
            [_("Column"), _("What to write")],
            [names["name"], _("The organisation's legal name. Required; one row per member.")],
            [names["country"], _("The country's name or its two-letter code (RO, DE, EL).")],
            [names["region"], _("The NUTS 2 code of the region (RO21). Empty for a country "
                                "without regions.")],
            [names["organisation_type"], "; ".join(str(label) for label in
                                                   OrganisationType.labels)],
            [names["eccp_status"], "; ".join(str(label) for label in EccpStatus.labels)],
            [names["eccp_profile_url"], _("The https address of the published profile on "
                                          "clustercollaboration.eu, or empty.")],
            [names["is_coordinator"], _("“yes” for the one coordinator; empty for partners.")],
            [],
            [_("Headers in English or in Romanian are both accepted. Type values, not "
               "formulas. Nothing is saved until you have seen the members and confirmed.")],
        ]
