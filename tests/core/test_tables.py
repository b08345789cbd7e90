"""Tables without a model: the table model, parsing, edits, and every export read back by its own library."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from deskmate.core.tables import (
    Column,
    ExportError,
    Table,
    TableParseError,
    add_column,
    add_row,
    clipboard_payload,
    export,
    infer_type,
    move_column,
    move_row,
    parse_table,
    remove_column,
    remove_row,
    rename_column,
    set_cell,
    sort_by_column,
    table_schema,
    to_csv,
    to_html,
    to_markdown,
    to_tsv,
    unbounded_parts,
)
from deskmate.core.tables.model import cell_text, parse_date, parse_number


def sample() -> Table:
    return Table.from_values(
        ["Item", "Price", "Delivered", "In stock", "Notes"],
        [
            ["Apple", "$1,200.50", "2024-05-01", "yes", 'Red, "crisp"'],
            ["梨子", "3", "2024-06-15", "no", "two\nlines"],
            ["Pipe | fruit", "-0.25", "2023-12-31", "yes", "=1+1"],
        ],
        title="Fruit stock",
    )


# --- model ----------------------------------------------------------------


def test_column_types_are_inferred_from_cells() -> None:
    t = sample()
    assert [c.type for c in t.columns] == ["text", "number", "date", "bool", "text"]
    assert t.typed(0, 1) == 1200.5 and t.typed(1, 1) == 3 and t.typed(2, 1) == -0.25
    assert t.typed(1, 2) == dt.date(2024, 6, 15)
    assert t.typed(1, 3) is False


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "2.5", "1,000", "", "-3"], "number"),
        (["¥12", "$3.99"], "number"),
        (["2024-01-02", "2024年5月1日", "May 3, 2024", "4 June 2024"], "date"),
        (["Yes", "no", "是", "否", "TRUE"], "bool"),
        (["0", "1"], "number"),
        (["03/04/2024"], "text"),  # day/month order is ambiguous, so not a date
        (["12", "n/a"], "text"),
        (["", "  "], "text"),
        (["1.2.3"], "text"),
    ],
)
def test_infer_type(values: list[str], expected: str) -> None:
    assert infer_type(values) == expected


def test_number_and_date_reading() -> None:
    assert parse_number("1,234,567.25") == 1234567.25
    assert parse_number("12,34") is None  # not a thousands grouping
    assert parse_number("−5") == -5
    assert parse_date("2024-02-30") is None
    assert parse_date("2024/02/29") == dt.date(2024, 2, 29)


def test_values_from_json_become_cell_text() -> None:
    assert [cell_text(v) for v in [3.0, 2.5, True, None, ["a", "b"], " x "]] == ["3", "2.5", "Yes", "", "a, b", "x"]


def test_from_values_pads_short_rows_and_names_blank_or_repeated_headers() -> None:
    t = Table.from_values(["Name", "", "name"], [["a"], ["b", "c", "d", "extra"]])
    assert t.header == ["Name", "Column 2", "name (2)", "Column 4"]
    assert t.rows == [["a", "", "", ""], ["b", "c", "d", "extra"]]


def test_ragged_table_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="Row 2 has 1 cells but the table has 2 columns"):
        Table([Column("a"), Column("b")], [["1", "2"], ["3"]])
    with pytest.raises(ValueError, match="Unknown cell type 'money'"):
        Column("Price", "money")  # type: ignore[arg-type]


# --- parsing model output -------------------------------------------------

CANONICAL = (
    '{"title": "Fruit", "columns": ["Fruit", "Colour", "Price"], '
    '"rows": [["Apple", "red", "1.20"], ["Banana", "yellow", "0.50"]]}'
)


def test_parse_plain_json() -> None:
    t = parse_table(CANONICAL)
    assert t.title == "Fruit"
    assert t.header == ["Fruit", "Colour", "Price"]
    assert t.rows == [["Apple", "red", "1.20"], ["Banana", "yellow", "0.50"]]
    assert t.columns[2].type == "number"


def test_parse_survives_raw_control_characters() -> None:
    raw = '{"columns": ["Name", "Note"], "rows": [["Ann\x07", "line one\nline two\tand a tab"], ["Bo\x00b", "ok\x1b"]]}'
    t = parse_table(raw)
    assert t.rows == [["Ann", "line one\nline two\tand a tab"], ["Bob", "ok"]]


@pytest.mark.parametrize(
    "wrapped",
    [
        CANONICAL + "\n\nI hope this table helps! Let me know {if you need more}.",
        "```json\n" + CANONICAL + "\n```",
        "Here is the table you asked for: " + CANONICAL,
        "Sure! [Table below]\n```\n" + CANONICAL + "\n```\nEnjoy.",
    ],
    ids=["trailing-text", "code-fence", "leading-sentence", "brackets-in-prose"],
)
def test_parse_finds_json_among_other_text(wrapped: str) -> None:
    t = parse_table(wrapped)
    assert t.header == ["Fruit", "Colour", "Price"]
    assert len(t.rows) == 2


def test_parse_repairs_json_cut_off_by_the_token_limit() -> None:
    cut_in_string = CANONICAL[: CANONICAL.index("yellow") + 3]
    t = parse_table(cut_in_string)
    assert t.header == ["Fruit", "Colour", "Price"]
    assert t.rows == [["Apple", "red", "1.20"], ["Banana", "yel", ""]]
    cut_after_comma = CANONICAL[: CANONICAL.index('["Banana"')]
    assert parse_table(cut_after_comma).rows == [["Apple", "red", "1.20"]]


@pytest.mark.parametrize(
    ("text", "header", "rows"),
    [
        ('[{"a": 1, "b": "x"}, {"a": 2, "c": true}]', ["a", "b", "c"], [["1", "x", ""], ["2", "", "Yes"]]),
        ('[["a", "b"], [1, 2], [3]]', ["a", "b"], [["1", "2"], ["3", ""]]),
        ('{"a": [1, 2], "b": ["x"]}', ["a", "b"], [["1", "x"], ["2", ""]]),
        ('{"table": {"headers": [{"name": "Q"}], "data": [["why"]]}}', ["Q"], [["why"]]),
        ('{"fruits": [{"name": "kiwi"}]}', ["name"], [["kiwi"]]),
        ('{"name": "Li Wei", "city": "Shanghai"}', ["name", "city"], [["Li Wei", "Shanghai"]]),
        ('{"columns": ["a", "b"], "rows": [{"b": 2, "a": 1}]}', ["a", "b"], [["1", "2"]]),
    ],
    ids=["records", "list-of-lists", "column-lists", "wrapped", "one-key-wrapper", "single-record", "row-objects"],
)
def test_parse_common_json_shapes(text: str, header: list[str], rows: list[list[str]]) -> None:
    t = parse_table(text)
    assert t.header == header
    assert t.rows == rows


def test_parse_markdown_table_inside_prose() -> None:
    text = (
        "Sure, here's a table of fruits:\n\n"
        "| Fruit | Price | Note |\n"
        "| :--- | ---: | --- |\n"
        "| Apple | 10 | a \\| b |\n"
        "| Banana | 2 | first<br>second |\n\n"
        "This table shows two fruits."
    )
    t = parse_table(text)
    assert t.header == ["Fruit", "Price", "Note"]
    assert t.rows == [["Apple", "10", "a | b"], ["Banana", "2", "first\nsecond"]]
    assert t.columns[1].type == "number"


def test_parse_tsv_copied_from_a_spreadsheet() -> None:
    text = 'Name\tCity\tJoined\nAnn\t"Paris\nFrance"\t2021-03-04\nBob\tOslo\t2022-01-02\n'
    t = parse_table(text)
    assert t.header == ["Name", "City", "Joined"]
    assert t.rows[0] == ["Ann", "Paris\nFrance", "2021-03-04"]
    assert t.columns[2].type == "date"


def test_parse_csv_with_quotes_and_a_lead_in_sentence() -> None:
    text = 'Here it is, as requested:\nname,quote,score\nAnn,"Hello, world",3\nBob,"She said ""hi""",4\n'
    t = parse_table(text)
    assert t.header == ["name", "quote", "score"]
    assert t.rows == [["Ann", "Hello, world", "3"], ["Bob", 'She said "hi"', "4"]]


def test_parse_semicolon_csv() -> None:
    t = parse_table("a;b\n1;2\n3;4")
    assert t.rows == [["1", "2"], ["3", "4"]]


@pytest.mark.parametrize("text", ["", "   \n", "Just a sentence with no table in it.", '{"answer": []}'])
def test_no_table_is_a_clear_error(text: str) -> None:
    with pytest.raises(TableParseError) as err:
        parse_table(text)
    assert "table" in str(err.value)


# --- edits ----------------------------------------------------------------


def test_edits_return_new_tables_and_leave_the_input_alone() -> None:
    t = sample()
    before = t.copy()
    changed = set_cell(t, 1, "price", "n/a")
    assert changed.rows[1][1] == "n/a"
    assert changed.columns[1].type == "text"  # the column no longer holds only numbers
    assert t == before


def test_rows_add_remove_move() -> None:
    t = sample()
    t2 = add_row(t, ["Kiwi", 4])
    assert t2.rows[-1] == ["Kiwi", "4", "", "", ""]
    t3 = add_row(t2, index=0)
    assert t3.rows[0] == [""] * 5 and len(t3.rows) == 5
    t4 = remove_row(t3, 0)
    assert t4.rows == t2.rows
    t5 = move_row(t2, 3, 0)
    assert [r[0] for r in t5.rows] == ["Kiwi", "Apple", "梨子", "Pipe | fruit"]
    assert [r[0] for r in move_row(t5, 0, 3).rows] == [r[0] for r in t2.rows]


def test_columns_add_remove_rename_move() -> None:
    t = sample()
    t2 = add_column(t, "Qty", [5, 7], index=1)
    assert t2.header[:3] == ["Item", "Qty", "Price"]
    assert t2.column_values(1) == ["5", "7", ""] and t2.columns[1].type == "number"
    t3 = rename_column(t2, "Qty", "Quantity")
    assert t3.header[1] == "Quantity"
    assert rename_column(t3, 1, "quantity").header[1] == "quantity"  # changing only the case is allowed
    t4 = move_column(t3, "Quantity", 5)
    assert t4.header == ["Item", "Price", "Delivered", "In stock", "Notes", "Quantity"]
    assert t4.rows[0] == ["Apple", "$1,200.50", "2024-05-01", "yes", 'Red, "crisp"', "5"]
    t5 = remove_column(t4, "Quantity")
    assert t5 == t


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: set_cell(t, 3, 0, "x"), "no row 3: the table has 3 rows"),
        (lambda t: set_cell(t, 0, 9, "x"), "no column 9: the table has 5 columns"),
        (lambda t: set_cell(t, -1, 0, "x"), "no row -1"),
        (lambda t: set_cell(t, 0, "Colour", "x"), "no column named 'Colour'"),
        (lambda t: remove_row(t, True), "must be a whole number"),
        (lambda t: add_row(t, index=4), "no row 4"),
        (lambda t: add_row(t, list(range(6))), "6 cells but the table has only 5 columns"),
        (lambda t: move_row(t, 0, 3), "no row 3"),
        (lambda t: add_column(t, "price"), "already a column named 'Price'"),
        (lambda t: add_column(t, "  "), "needs a name"),
        (lambda t: add_column(t, "Q", [1, 2, 3, 4]), "4 cells but the table has only 3 rows"),
        (lambda t: rename_column(t, 0, "Notes"), "already a column named 'Notes'"),
        (lambda t: move_column(t, 0, 5), "no column 5"),
        (lambda t: remove_column(Table.from_values(["only"], [["x"]]), 0), "only column cannot be removed"),
        (lambda t: sort_by_column(t, 7), "no column 7"),
    ],
)
def test_bad_edits_say_what_is_wrong(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        edit(sample())


def test_sort_reads_values_by_column_type() -> None:
    t = Table.from_values(
        ["name", "n", "when"],
        [["b", "10", "2024-01-02"], ["A", "9", "2023-12-31"], ["c", "", "2024年1月1日"], ["d", "1,000", ""]],
    )
    assert [r[1] for r in sort_by_column(t, "n").rows] == ["9", "10", "1,000", ""]
    assert [r[1] for r in sort_by_column(t, "n", descending=True).rows] == ["1,000", "10", "9", ""]
    assert [r[2] for r in sort_by_column(t, "when").rows] == ["2023-12-31", "2024年1月1日", "2024-01-02", ""]
    assert [r[0] for r in sort_by_column(t, 0).rows] == ["A", "b", "c", "d"]  # ignoring case


def test_sort_is_stable_and_puts_misfits_after_values() -> None:
    t = Table.from_values(["k", "v"], [["x", "2"], ["y", "1"], ["z", "2"]])
    t = set_cell(t, 1, "v", "1")
    t.columns[1].type = "number"
    t.rows.append(["w", "unknown"])
    assert [r[0] for r in sort_by_column(t, "v").rows] == ["y", "x", "z", "w"]


# --- schema ---------------------------------------------------------------


def test_schema_bounds_every_array_and_string() -> None:
    schema = table_schema(max_rows=5, max_cols=3)
    assert unbounded_parts(schema) == []
    assert schema["properties"]["rows"]["maxItems"] == 5
    assert schema["properties"]["rows"]["items"]["maxItems"] == 3
    assert schema["properties"]["columns"]["maxItems"] == 3
    assert unbounded_parts({"type": "object", "properties": {"x": {"type": "array", "items": {"type": "string"}}}}) == [
        "$ (open object)",
        "$.x",
        "$.x[]",
    ]


@pytest.mark.parametrize("bounds", [(0, 3), (3, 0), (1000, 3), (3, 2.5), (True, 3)])
def test_schema_refuses_silly_bounds(bounds: tuple[object, object]) -> None:
    with pytest.raises(ValueError, match="must be a whole number from 1 to"):
        table_schema(*bounds)  # type: ignore[arg-type]


# --- exports read back ----------------------------------------------------


class _TableReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.caption = ""
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def read_html(text: str) -> _TableReader:
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    return reader


def test_csv_export_reads_back_with_the_csv_module(tmp_path: Path) -> None:
    t = sample()
    path = export(t, tmp_path / "out.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [t.header, *t.rows]


def test_tsv_export_reads_back_and_flattens_line_breaks(tmp_path: Path) -> None:
    t = sample()
    path = export(t, tmp_path / "out.tsv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == t.header
    assert rows[2][4] == "two lines"
    assert rows[1][4] == 'Red, "crisp"'
    assert len(rows) == 4 and all(len(r) == 5 for r in rows)


def test_markdown_export_parses_back_to_the_same_table(tmp_path: Path) -> None:
    t = sample()
    path = export(t, tmp_path / "out.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("## Fruit stock")
    assert "| --- | ---: |" in text  # numbers right-aligned
    back = parse_table(text)
    assert back.header == t.header and back.rows == t.rows


def test_markdown_keeps_backslashes_and_empty_cells() -> None:
    t = Table.from_values(["path", "note"], [["C:\\temp\\", ""], ["a\\|b", "x"]])
    assert parse_table(to_markdown(t)).rows == t.rows


def test_html_export_reads_back_with_html_parser(tmp_path: Path) -> None:
    t = sample()
    t = set_cell(t, 0, "Notes", "<b>bold?</b> & more")
    page = export(t, tmp_path / "out.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    reader = read_html(page)
    assert reader.caption == "Fruit stock"
    assert reader.rows == [t.header, *t.rows]


def test_clipboard_payload_is_a_bare_html_table_and_tsv() -> None:
    t = sample()
    html_text, tsv = clipboard_payload(t)
    assert html_text.startswith("<table>") and "<html" not in html_text
    assert read_html(html_text).rows == [t.header, *t.rows]
    assert tsv == to_tsv(t)
    assert tsv.splitlines()[0].split("\t") == t.header


def test_xlsx_export_reads_back_with_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    t = sample()
    path = export(t, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.title == "Fruit stock"
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == t.header
    assert ws["A1"].font.bold
    # Numbers and dates are real values, shown the way the cell text was written.
    assert values[1][1] == 1200.5 and ws["B2"].number_format == '"$"#,##0.00'
    assert values[3][1] == -0.25
    assert values[2][2] == dt.datetime(2024, 6, 15)
    assert values[2][0] == "梨子" and values[2][4] == "two\nlines"
    assert values[1][3] == "yes"  # booleans keep their words
    # Text that looks like a formula stays text.
    assert ws["E4"].value == "=1+1" and ws["E4"].data_type == "s"


def test_xlsx_and_docx_drop_characters_xml_cannot_hold(tmp_path: Path) -> None:
    import docx
    import openpyxl

    t = Table([Column("a\x07")], [["b\x00ell\x1b"]], title="t\x01")
    export(t, tmp_path / "x.xlsx")
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").active["A2"].value == "bell"
    assert docx.Document(str(export(t, tmp_path / "x.docx"))).tables[0].cell(1, 0).text == "bell"


def test_docx_export_reads_back_with_python_docx(tmp_path: Path) -> None:
    import docx

    t = sample()
    doc = docx.Document(str(export(t, tmp_path / "out.docx")))
    assert doc.paragraphs[0].text == "Fruit stock"
    grid = doc.tables[0]
    assert [[c.text for c in row.cells] for row in grid.rows] == [t.header, *t.rows]
    assert all(run.bold for cell in grid.rows[0].cells for run in cell.paragraphs[0].runs)


def test_export_chooses_the_format_by_suffix(tmp_path: Path) -> None:
    t = sample()
    assert export(t, tmp_path / "A.XLSX").read_bytes()[:2] == b"PK"
    assert export(t, tmp_path / "a.docx").read_bytes()[:2] == b"PK"
    assert export(t, tmp_path / "a.htm").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert export(t, tmp_path / "a.md").read_text(encoding="utf-8") == to_markdown(t)
    assert export(t, tmp_path / "a.tsv").read_text(encoding="utf-8") == to_tsv(t)
    assert export(t, tmp_path / "a.csv").read_bytes().decode("utf-8-sig") == to_csv(t)
    assert to_html(t) in export(t, tmp_path / "b.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["table.pdf", "table"])
def test_export_refuses_unknown_formats_clearly(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError, match=r"Use a file name ending in \.csv, \.xlsx, \.md, \.docx, \.html or \.tsv"):
        export(sample(), tmp_path / name)
    assert not (tmp_path / name).exists()


_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_office_files_open_in_libreoffice(tmp_path: Path) -> None:
    t = sample()
    export(t, tmp_path / "t.xlsx")
    export(t, tmp_path / "t.docx")
    profile = (tmp_path / "lo-profile").as_uri()
    for src, target in (("t.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76"), ("t.docx", "txt:Text (encoded):UTF8")):
        subprocess.run(
            [_SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
             "--outdir", str(tmp_path / "lo"), str(tmp_path / src)],
            check=True,
            capture_output=True,
            timeout=180,
        )
    with open(tmp_path / "lo" / "t.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == t.header
    assert [r[0] for r in rows[1:]] == [r[0] for r in t.rows]
    assert [parse_number(r[1]) for r in rows[1:]] == [parse_number(r[1]) for r in t.rows]
    assert [r[2] for r in rows[1:]] == [r[2] for r in t.rows]  # dates shown as yyyy-mm-dd
    assert rows[3][4] == "=1+1"
    text = (tmp_path / "lo" / "t.txt").read_text(encoding="utf-8-sig")
    for cell in ["Fruit stock", *t.header, "梨子", "$1,200.50", "Pipe | fruit"]:
        assert cell in text


# --- turning a model's answer into a bounded table (no model needed) -------


def test_answer_is_held_to_the_bounds_and_empty_rows_are_dropped() -> None:
    from deskmate.core.tables import table_from_answer

    rows = [["1", "2", "3"], ["", "", "x"], ["", ""], ["4"], ["5"]]
    answer = json.dumps({"title": "t", "columns": ["a", "b", "c"], "rows": rows})
    t = table_from_answer(answer, max_rows=2, max_cols=2)
    assert t.header == ["a", "b"]
    assert t.rows == [["1", "2"], ["4", ""]]  # ["", "", "x"] is empty once clipped to two columns


@pytest.mark.parametrize(
    ("answer", "message"),
    [("I cannot make tables.", "did not produce a table"), ('{"columns": ["a"], "rows": [[""]]}', "no rows")],
)
def test_unusable_answers_raise_a_generation_error_keeping_the_answer(answer: str, message: str) -> None:
    from deskmate.core.tables import TableGenerationError, table_from_answer

    with pytest.raises(TableGenerationError, match=message) as err:
        table_from_answer(answer)
    assert err.value.answer == answer


def test_empty_requests_are_refused_before_asking_a_model() -> None:
    from deskmate.core.tables.generate import describe_messages, extract_messages, table_messages

    with pytest.raises(ValueError, match="Say what the table should contain"):
        table_messages("   ")
    with pytest.raises(ValueError, match="no text to extract"):
        extract_messages("")
    with pytest.raises(ValueError, match="must be a whole number from 1 to"):
        table_messages("fruits", max_rows=0)
    with pytest.raises(ValueError, match="nothing to describe"):
        describe_messages(Table([], []))


@pytest.mark.parametrize(
    "cut",
    [
        '{"columns": ["a", "b"], "rows": [["1", "2"]], "',
        '{"columns": ["a", "b"], "rows": [["1", "2"]], "title": "Fru',
        '{"columns": ["a", "b"], "rows": [["1", "2"], ["3"',
    ],
    ids=["in-key", "in-title", "in-row"],
)
def test_a_cut_off_object_is_repaired_not_mistaken_for_its_inner_lists(cut: str) -> None:
    t = parse_table(cut)
    assert t.header == ["a", "b"]
    assert t.rows[0] == ["1", "2"]
