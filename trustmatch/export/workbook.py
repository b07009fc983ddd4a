"""Excel exports (.xlsx, written with XlsxWriter): a summary of the ranked trusts, their member schools,
the DfE evidence tied to each trust, and the sources with the licence attribution."""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter

from trustmatch.export import briefing as content
from trustmatch.export import columns
from trustmatch.export.csvfile import safe_cell
from trustmatch.export.files import write_bytes

HEADER_ROW = 3  # rows 0-2 say whose ranking this is and with which settings (a row more for a notice)


class _Formats:
    def __init__(self, book):
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"italic": True, "font_color": "#404040"})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#D9D9D9"}
        )
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers = {}
        self._book = book

    def number(self, number_format: str | None):
        if number_format is None:
            return None
        if number_format not in self._numbers:
            self._numbers[number_format] = self._book.add_format({"num_format": number_format})
        return self._numbers[number_format]


def _cell(value):
    # None is an empty cell; text is neutralised as in the CSV (Excel runs neither, but LibreOffice
    # and re-saved CSVs might); numbers stay numbers so that they sort and sum.
    return "" if value is None else safe_cell(value)


def _table(
    sheet,
    formats,
    first_row: int,
    headers: list[str],
    rows: list[list],
    widths: list[float],
    number_formats: list[str | None],
) -> None:
    """A header row, rows, widths, a frozen header and an autofilter."""
    sheet.write_row(first_row, 0, headers, formats.header)
    sheet.set_row(first_row, 30)
    for c, (width, number_format) in enumerate(zip(widths, number_formats)):
        sheet.set_column(c, c, width, formats.number(number_format))
    for r, row in enumerate(rows, start=first_row + 1):
        for c, value in enumerate(row):
            sheet.write(r, c, _cell(value), formats.number(number_formats[c]))
    sheet.freeze_panes(first_row + 1, 0)
    sheet.autofilter(first_row, 0, first_row + max(len(rows), 1), len(headers) - 1)


def _summary(book, formats, briefings: list, left_out: int = 0) -> None:
    sheet = book.add_worksheet("Trusts")
    first = briefings[0]
    many = len(briefings) > 1
    with_notes = any(b.has_notes for b in briefings)
    chosen = (columns.SCHOOL if many else []) + columns.TRUST + (columns.NOTES if with_notes else []) + columns.REASONS
    if many:
        title = f"Candidate trusts for {len(briefings):,} schools"
    else:
        school = first.school
        title = f"{first.title} (URN {school.urn}), {school.phase}, {school.la_name}"
    if left_out:
        title += f"; {left_out:,} more asked for are on the Not exported sheet"
    sheet.write(0, 0, title, formats.title)
    sheet.write(
        1,
        0,
        f"Exported {first.created_text} from the data of {first.data_date_text}. "
        f"Weights: {first.weights_text}. Filters: {first.filters_text}.",
        formats.note,
    )
    header_row = HEADER_ROW
    if not many and first.notice:
        # one school: its notice goes above the table (a combined workbook has a Notice column instead)
        sheet.write(2, 0, first.notice, formats.bold)
        header_row += 1
    sheet.write(
        header_row - 1,
        0,
        "Scores are 0-100; reasons and sources are in the last columns and the Sources sheet.",
        formats.note,
    )
    rows = [columns.values(chosen, b, t) for b in briefings for t in b.trusts]
    _table(
        sheet,
        formats,
        header_row,
        [c.header for c in chosen],
        rows,
        [c.width for c in chosen],
        [c.number_format for c in chosen],
    )
    total = [c.header for c in chosen].index("Total")
    if rows:
        sheet.conditional_format(
            header_row + 1,
            total,
            header_row + len(rows),
            total,
            {
                "type": "data_bar",
                "bar_color": "#7F7F7F",
                "bar_solid": True,
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 100,
            },
        )
    sheet.freeze_panes(header_row + 1, chosen.index(columns.TRUST[1]) + 1)  # keep the trust's name in view
    sheet.activate()


MEMBER_HEADERS = [
    "Trust",
    "Group UID",
    "URN",
    "School",
    "Phase",
    "Type",
    "Religious character",
    "Diocese",
    "Local authority",
    "Region",
    "Town",
    "Postcode",
    "Pupils",
    "Places",
]
MEMBER_WIDTHS = [36, 10, 9, 36, 14, 22, 22, 22, 20, 18, 16, 10, 8, 8]


def _members(book, formats, briefings: list) -> None:
    sheet = book.add_worksheet("Member schools")
    many = len(briefings) > 1
    headers, widths = list(MEMBER_HEADERS), list(MEMBER_WIDTHS)
    number_formats = [None] * 12 + ["#,##0", "#,##0"]
    if not many:  # distance and hub are from the one school's point of view
        headers += ["km from the school", "Hub"]
        widths += [10, 16]
        number_formats += ["0.0", None]
    sheet.write(
        0,
        0,
        "Member schools of each trust" + ("" if many else f", nearest to {briefings[0].school.name} first"),
        formats.title,
    )
    sheet.write(1, 0, f"From the register of {briefings[0].data_date_text} (open state-funded schools).", formats.note)
    rows, seen = [], set()
    for briefing in briefings:
        for t in briefing.trusts:
            if t.code in seen:
                continue
            seen.add(t.code)
            for school, km in t.members:
                row = [
                    t.name,
                    t.code,
                    school.urn,
                    school.name,
                    school.phase,
                    school.type,
                    school.religious_character,
                    school.diocese,
                    school.la_name,
                    school.region,
                    school.town,
                    school.postcode,
                    school.pupils,
                    school.capacity,
                ]
                if not many:
                    row += [km, t.hub_of_row.get(school.index, "")]
                rows.append(row)
    _table(sheet, formats, HEADER_ROW, headers, rows, widths, number_formats)


def _figures(item) -> str:
    """The study's figures for the item or, for an item without any (a list, a guidance), its own source's note."""
    if not item.figures:
        return item.source.caveat
    return "; ".join(
        f"{f.percent}% {f.text} ({f.phase} schools" + (f", {f.source.short})" if f.source != item.source else ")")
        for f in item.figures
    )


def _evidence(book, formats, briefing) -> None:
    sheet = book.add_worksheet("Evidence")
    sheet.write(
        0, 0, "What the evidence says about joining a trust, and what the register says about each trust", formats.title
    )
    sheet.write(1, 0, content.evidence_disclaimer(), formats.note)
    rows = [
        [t.name, item.heading, item.kind, item.title, _figures(item), item.this_trust, item.source.short]
        for t in briefing.trusts
        for item in t.evidence.items
    ]
    _table(
        sheet,
        formats,
        HEADER_ROW,
        ["Trust", "Heading", "Kind", "Item", "What the source says", "This trust", "Source"],
        rows,
        [32, 28, 9, 40, 60, 70, 24],
        [None] * 7,
    )


def _sources(book, formats, briefings: list) -> None:
    sheet = book.add_worksheet("Sources")
    sheet.set_column(0, 0, 28, formats.bold)
    sheet.set_column(1, 1, 110, formats.wrap)
    for c in range(2, 8):
        sheet.set_column(c, c, 9)
    first = briefings[0]
    study = content.study()
    backtest = content.backtest()
    lines = [
        ("Licence", first.attribution[0]),
        ("", first.attribution[1]),
        ("Data", f"Get Information about Schools, extract of {first.data_date_text}: open state-funded schools."),
        ("Method", content.METHOD),
        ("Evidence", f"{study['title']} ({study['publisher']}, {study['date']}). {study['url']}"),
        ("", study["method"]),
        *[(source.short, f"{source.citation} {source.caveat}") for source in content.sources()],
        ("", content.evidence_disclaimer()),
    ]
    if len(briefings) > 1:
        lines.append(("", "The evidence tied to each trust depends on the school: export one school to see it."))
    lines.append(("Made with", f"TrustMatch {first.version} on {first.created_text}"))
    sheet.write(0, 0, "Sources, method and licence", formats.title)
    row = 2
    for label, text in lines:
        sheet.write(row, 0, label)
        sheet.write(row, 1, text)
        row += 1
    row += 1
    sheet.write(row, 0, "Backtest")
    sheet.write(row, 1, f"{backtest['title']}. {backtest['window']}")
    row += 1
    sheet.write_row(row, 1, ["Ranking", *backtest["columns"]], formats.header)
    # The ranking's name is wide; the figures go to narrow columns beside it.
    for entry in backtest["rows"]:
        row += 1
        sheet.write(row, 1, entry["ranking"])
        sheet.write_row(row, 2, [entry[c] for c in backtest["columns"]])
    row += 1
    sheet.write(row, 1, backtest["caveat"], formats.note)


def _not_exported(book, formats, left_out: list) -> None:
    """The schools asked for and left out of a combined workbook, each with why: a reader of the file alone
    must not take 18 schools for the client's 20."""
    sheet = book.add_worksheet("Not exported")
    sheet.write(0, 0, f"Asked for and not in this workbook: {len(left_out):,}", formats.title)
    sheet.write(1, 0, "Each as it was given, with why it was left out.", formats.note)
    rows = [list(entry) for entry in left_out]
    _table(sheet, formats, HEADER_ROW, ["Given", "School", "Why"], rows, [12, 40, 100], [None] * 3)


def workbook_bytes(briefings, left_out=()) -> bytes:
    """The workbook of these briefings; `left_out` (given, school name, why) are schools asked for and not in it."""
    briefings, left_out = list(briefings), list(left_out)
    if not briefings:
        raise ValueError("nothing to export")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    first = briefings[0]
    book.set_properties(
        {
            "title": first.title if len(briefings) == 1 else f"Candidate trusts for {len(briefings)} schools",
            "author": "TrustMatch",
            "comments": first.attribution[0],
        }
    )
    formats = _Formats(book)
    _summary(book, formats, briefings, len(left_out))
    if left_out:
        _not_exported(book, formats, left_out)
    _members(book, formats, briefings)
    if len(briefings) == 1:
        _evidence(book, formats, first)
    _sources(book, formats, briefings)
    book.close()
    return buffer.getvalue()


def write(path: Path | str, briefings, task=None, left_out=()) -> Path:
    briefings = list(briefings)
    if task is not None:
        task.step(0.1, "Writing the workbook")
    write_bytes(path, workbook_bytes(briefings, left_out))
    if task is not None:
        task.step(1.0, "Done")
    return Path(path)
