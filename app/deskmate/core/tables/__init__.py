"""Tables: a typed table model, parsing, editing, export, and generation with a model.

Qt-free. openpyxl and python-docx are imported only when an XLSX or DOCX is written.
"""

from .export import (
    ExportError,
    clipboard_payload,
    export,
    to_csv,
    to_html,
    to_markdown,
    to_tsv,
    write_docx,
    write_xlsx,
)
from .generate import (
    TableGenerationError,
    describe_table,
    extract_table,
    generate_table,
    make_table,
    table_from_answer,
)
from .request import TableRequest, read_request
from .model import CELL_TYPES, CellType, Column, Table, infer_type
from .ops import (
    add_column,
    add_row,
    move_column,
    move_row,
    remove_column,
    remove_row,
    rename_column,
    set_cell,
    sort_by_column,
)
from .parse import TableParseError, parse_table, table_from_json
from .schema import table_schema, unbounded_parts

__all__ = [
    "CELL_TYPES",
    "CellType",
    "Column",
    "ExportError",
    "Table",
    "TableGenerationError",
    "TableParseError",
    "add_column",
    "add_row",
    "clipboard_payload",
    "describe_table",
    "export",
    "extract_table",
    "generate_table",
    "infer_type",
    "make_table",
    "read_request",
    "TableRequest",
    "move_column",
    "move_row",
    "parse_table",
    "remove_column",
    "remove_row",
    "rename_column",
    "set_cell",
    "sort_by_column",
    "table_from_answer",
    "table_from_json",
    "table_schema",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_tsv",
    "unbounded_parts",
    "write_docx",
    "write_xlsx",
]
