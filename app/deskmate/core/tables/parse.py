"""Turn model output or pasted text into a Table.

Model output is messy in known ways: raw control characters inside strings,
a sentence before the JSON, code fences, text after it, or JSON cut off when
the answer ran out of tokens. People paste Markdown, TSV (from spreadsheets)
or CSV. ``parse_table`` tries them in that order and says plainly when there
is no table at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .model import Table, cell_text

# Control characters other than tab and newlines cannot appear in XLSX or DOCX
# and only ever come from a model glitch, so they go before anything else.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DECODER = json.JSONDecoder(strict=False)  # strict=False: raw newlines/tabs inside strings are fine

_COLUMN_KEYS = ("columns", "headers", "header", "fields", "cols", "keys")
_ROW_KEYS = ("rows", "data", "records", "items", "body", "entries", "values")
_NAME_KEYS = ("name", "title", "header", "label", "key", "field")
_MAX_JSON_STARTS = 20
# A cut-off answer parses after dropping its last value or two; the cap keeps
# a long paste full of brackets from costing seconds.
_MAX_REPAIR_TRIES = 40
_JSON_START_RE = re.compile(r'\{\s*["}]|\[\s*(?:[\[{"\]\d-]|true|false|null)')


class TableParseError(ValueError):
    """The text holds nothing that can be read as a table."""


def parse_table(text: str) -> Table:
    """Read a table from model output (JSON) or pasted Markdown, TSV or CSV."""
    clean = _CONTROL_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not clean.strip():
        raise TableParseError("There is no text to read a table from.")
    for reader in (_from_json_text, _from_markdown, _from_tsv, _from_csv):
        table = reader(clean)
        if table is not None and table.columns:
            return table
    raise TableParseError(
        "No table was found in the text. Expected JSON with columns and rows, "
        "or a table with one row per line and cells separated by |, tabs or commas."
    )


# --- JSON -----------------------------------------------------------------


def _from_json_text(text: str) -> Table | None:
    starts = [m.start() for m in re.finditer(r"[\[{]", text)][:_MAX_JSON_STARTS]
    for start in starts:
        try:
            value, _end = _DECODER.raw_decode(text, start)  # anything after the value is ignored
        except json.JSONDecodeError:
            # Perhaps cut off by the token limit. Repair here, before trying
            # later starts: those would find a complete inner list (the
            # column names) and mistake it for the whole table.
            value = _repair_truncated(text, start) if _JSON_START_RE.match(text, start) else None
            if value is None:
                continue
        table = table_from_json(value)
        if table is not None:
            return table
    return None


def table_from_json(value: Any, _depth: int = 0) -> Table | None:
    """A Table from the usual JSON shapes, or None when the value is not table-like.

    Shapes: {"columns": [...], "rows": [[...]]} (with synonyms), a list of
    objects, a list of lists with a header row, an object of column lists,
    a single flat record, or any of these wrapped in a one-key object.
    """
    if _depth > 4:
        return None
    if isinstance(value, dict):
        return _from_json_object(value, _depth)
    if isinstance(value, list) and value:
        if all(isinstance(r, dict) for r in value):
            return _from_records(value, [])
        if all(isinstance(r, list) for r in value):
            return Table.from_values(value[0], value[1:])
    return None


def _from_json_object(obj: dict[str, Any], depth: int) -> Table | None:
    lowered = {str(k).casefold(): v for k, v in obj.items()}
    title = lowered.get("title") if isinstance(lowered.get("title"), str) else ""
    cols = next((lowered[k] for k in _COLUMN_KEYS if isinstance(lowered.get(k), list)), None)
    rows = next((lowered[k] for k in _ROW_KEYS if isinstance(lowered.get(k), list)), None)
    if cols is not None or rows is not None:
        names = [_column_name(c) for c in cols or []]
        rows = rows or []
        if rows and all(isinstance(r, dict) for r in rows):
            table = _from_records(rows, names)
        else:
            table = Table.from_values(names, [r if isinstance(r, list) else [r] for r in rows])
        if table is not None and table.columns:
            table.title = cell_text(title)
            return table
    for key in ("table", "result", "output"):
        if isinstance(lowered.get(key), (dict, list)):
            return table_from_json(lowered[key], depth + 1)
    containers = [v for v in obj.values() if isinstance(v, (dict, list))]
    if len(obj) - (1 if title else 0) == 1 and len(containers) == 1:
        inner = table_from_json(containers[0], depth + 1)
        if inner is not None and not inner.title:
            inner.title = cell_text(title) or str(next(k for k, v in obj.items() if v is containers[0]))
        return inner
    if obj and all(isinstance(v, list) for v in obj.values()):
        # column-oriented: {"Fruit": ["Apple", "Pear"], "Price": [1, 2]}
        height = max(len(v) for v in obj.values())
        data = [[v[i] if i < len(v) else None for v in obj.values()] for i in range(height)]
        return Table.from_values(list(obj.keys()), data)
    if obj and not containers:
        return Table.from_values(list(obj.keys()), [list(obj.values())])  # a single record
    return None


def _from_records(records: list[dict[str, Any]], names: list[str]) -> Table:
    header = list(names)
    seen = {n for n in header}
    for rec in records:
        for k in rec:
            if str(k) not in seen:
                seen.add(str(k))
                header.append(str(k))
    rows = [[{str(k): v for k, v in rec.items()}.get(h) for h in header] for rec in records]
    return Table.from_values(header, rows)


def _column_name(col: Any) -> str:
    if isinstance(col, dict):
        for k in _NAME_KEYS:
            if k in col:
                return cell_text(col[k])
        return cell_text(next(iter(col.values()), ""))
    return cell_text(col)


def _repair_truncated(text: str, start: int) -> Any | None:
    """Close a JSON value that stops mid-way, keeping as much of it as parses.

    Walks the text once, remembering each point where a string or container
    has just ended together with the brackets still open there; then tries
    cutting at those points (latest first) and closing the brackets.
    """
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []
    in_string = escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                cuts.append((i + 1, _closers(stack)))
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            stack.append(ch)
        elif ch in "]}":
            if not stack:
                break
            stack.pop()
            if not stack:
                break  # a complete value: not truncated, so not ours to repair
            cuts.append((i + 1, _closers(stack)))
    else:
        if not stack:
            return None
        candidates = []
        if in_string and not escaped:
            candidates.append(text[start:] + '"' + _closers(stack))
        candidates += [text[start:cut] + closers for cut, closers in reversed(cuts)]
        for attempt in candidates[:_MAX_REPAIR_TRIES]:
            try:
                return _DECODER.decode(attempt)
            except json.JSONDecodeError:
                continue
    return None


def _closers(stack: list[str]) -> str:
    return "".join("]" if b == "[" else "}" for b in reversed(stack))


# --- Markdown -------------------------------------------------------------

_SEPARATOR_RE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _from_markdown(text: str) -> Table | None:
    lines = text.split("\n")
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if "|" in line and line.strip():
            current.append(line.strip())
        else:
            if current:
                blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    for block in blocks:
        sep = next((i for i, ln in enumerate(block) if _SEPARATOR_RE.match(ln) and "-" in ln), None)
        if sep is not None and sep >= 1:
            header, body = block[sep - 1], block[sep + 1 :]
        elif sep is None and len(block) >= 2 and all(ln.startswith("|") for ln in block):
            header, body = block[0], block[1:]
        else:
            continue
        body = [ln for ln in body if not _SEPARATOR_RE.match(ln)]
        return Table.from_values(_split_pipes(header), [_split_pipes(ln) for ln in body])
    return None


def _split_pipes(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    return [_BR_RE.sub("\n", c.strip().replace("\\|", "|")) for c in cells]


# --- TSV and CSV ----------------------------------------------------------


def _from_tsv(text: str) -> Table | None:
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if "\t" in ln), None)
    if first is None:
        return None
    records = list(csv.reader(io.StringIO("\n".join(lines[first:])), delimiter="\t"))
    records = [r for r in records if any(c.strip() for c in r)]
    while records and len(records[-1]) < 2:  # a closing sentence or code fence
        records.pop()
    if not records:
        return None
    return Table.from_values([c.strip() for c in records[0]], [[c.strip() for c in r] for r in records[1:]])


def _from_csv(text: str) -> Table | None:
    best: list[list[str]] = []
    for delimiter in (",", ";"):
        try:
            records = list(csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True))
        except csv.Error:
            continue
        run = _longest_consistent_run(records)
        if len(run) > len(best):
            best = run
    if len(best) < 2:
        return None
    return Table.from_values([c.strip() for c in best[0]], [[c.strip() for c in r] for r in best[1:]])


def _longest_consistent_run(records: list[list[str]]) -> list[list[str]]:
    """The longest stretch of consecutive records with the same number (≥ 2) of fields.

    A lead-in sentence ending in a colon is never the header, even when it
    happens to contain a comma.
    """
    best: list[list[str]] = []
    run: list[list[str]] = []
    for rec in records:
        if not any(c.strip() for c in rec):
            run = []
            continue
        intro = rec[-1].rstrip().endswith((":", "："))
        if len(rec) >= 2 and not intro and (not run or len(rec) == len(run[0])):
            run.append(rec)
        else:
            run = [rec] if len(rec) >= 2 and not intro else []
        if len(run) > len(best):
            best = list(run)
    return best
