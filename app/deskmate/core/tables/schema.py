"""The JSON Schema that constrains table generation.

Every array has ``maxItems`` and every string ``maxLength``. Without them the
grammar lets a small model keep adding rows or one endless cell until it runs
out of tokens, and the cut-off JSON then has to be repaired. Cells are strings
only: numbers keep the formatting the model chose ("3.50", "$1,200") and the
grammar stays small, which keeps constrained decoding close to free speed.
"""

from __future__ import annotations

from typing import Any

MAX_ROWS_LIMIT = 100
MAX_COLS_LIMIT = 20
# Enough for a phrase per cell and a short header; longer text belongs in
# prose. Tight limits also stop a small model from spending its whole token
# budget on one long header (Chinese costs several tokens per character).
CELL_CHARS = 48
NAME_CHARS = 24
TITLE_CHARS = 60


def _bounded_string(max_chars: int, min_chars: int = 0) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "string", "maxLength": max_chars}
    if min_chars:
        s["minLength"] = min_chars
    return s


def table_schema(
    max_rows: int = 20,
    max_cols: int = 8,
    *,
    cell_chars: int = CELL_CHARS,
    name_chars: int = NAME_CHARS,
    title_chars: int = TITLE_CHARS,
) -> dict[str, Any]:
    """{"columns": [str], "rows": [[str]], "title": str}, at least one column and one row, all bounded."""
    check_bounds(max_rows, max_cols)
    for label, n in (("cell_chars", cell_chars), ("name_chars", name_chars), ("title_chars", title_chars)):
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"{label} must be a whole number of at least 1 (got {n!r}).")
    return {
        "type": "object",
        # The grammar emits properties in this order. Title last: when an answer
        # is cut off by the token limit, the title is what gets lost, not the rows.
        "properties": {
            "columns": {
                "type": "array",
                "items": _bounded_string(name_chars, 1),
                "minItems": 1,
                "maxItems": max_cols,
            },
            "rows": {
                "type": "array",
                "items": {
                    "type": "array",
                    "items": _bounded_string(cell_chars),
                    "minItems": 1,
                    "maxItems": max_cols,
                },
                "minItems": 1,
                "maxItems": max_rows,
            },
            "title": _bounded_string(title_chars),
        },
        "required": ["columns", "rows", "title"],
        "additionalProperties": False,
    }


def check_bounds(max_rows: int, max_cols: int) -> None:
    for label, n, limit in (("max_rows", max_rows, MAX_ROWS_LIMIT), ("max_cols", max_cols, MAX_COLS_LIMIT)):
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= limit:
            raise ValueError(f"{label} must be a whole number from 1 to {limit} (got {n!r}).")


def unbounded_parts(schema: Any, path: str = "$") -> list[str]:
    """Paths of arrays without maxItems and strings without maxLength (or a pattern/enum that bounds them).

    Use it to check any schema handed to a small model; an empty list means bounded.
    """
    found: list[str] = []
    if isinstance(schema, dict):
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        fixed = "enum" in schema or "const" in schema
        if "array" in kinds and "maxItems" not in schema and not isinstance(schema.get("items"), list):
            found.append(path)
        if "string" in kinds and "maxLength" not in schema and not fixed:
            found.append(path)
        if "object" in kinds and schema.get("additionalProperties", True) is not False:
            found.append(path + " (open object)")
        for key, sub in schema.items():
            if key in ("properties", "$defs", "definitions") and isinstance(sub, dict):
                for name, child in sub.items():
                    found += unbounded_parts(child, f"{path}.{name}")
            elif key in ("items", "anyOf", "oneOf", "allOf", "prefixItems"):
                children = sub if isinstance(sub, list) else [sub]
                for i, child in enumerate(children):
                    found += unbounded_parts(child, f"{path}[{i}]" if isinstance(sub, list) else f"{path}[]")
    return found


# One character a JSON string holds without escaping. Spelled out, not ".": llama.cpp turns a pattern's
# "." into "any character but a line break", which lets the model write a bare quote and break the JSON.
_JSON_CHAR = r'[^"\\\x00-\x1f]'
_JSON_CHAR_EXCLUDED = r'"\\\x00-\x1f'


def _class_char(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        return ch
    code = ord(ch)
    # Escaped, not literal: "-", "]", "^" and "\" mean something in a class, and llama.cpp's grammar parser
    # knows only the \x, \u, \U escapes (Python's re reads the same ones).
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _variants(ch: str) -> list[str]:
    return sorted({v for v in (ch, ch.lower(), ch.upper()) if len(v) == 1})


# Characters a comparison of cells ignores at either end ("Banana," is "Banana"); a key written under
# ``not_one_of`` neither starts nor ends with one, so such a variant of a taken key cannot be written either.
EDGE_CHARS = " .,:;!?，。：；、！？\"'“”‘’「」『』"


def not_one_of(words: list[str] | tuple[str, ...], max_chars: int) -> str:
    """A ``pattern`` for a string of 1 to ``max_chars`` characters that is none of ``words`` (compared
    without case) and neither starts nor ends with one of ``EDGE_CHARS``.

    JSON Schema says "not one of these" with ``not``/``enum``, which llama.cpp's schema-to-grammar converter
    does not support; its patterns have classes, groups, ``|``, ``?`` and ``{m,n}`` but no lookahead. So the
    pattern spells the complement out over a trie of the words: at each node the string ends (when that is
    not a word), leaves the trie with a character no word has there, or follows a child. Its size grows
    with the words' total length, which is small for the keys of a table's rows."""
    end = object()
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.strip().lower():
            node = node.setdefault(ch, {})
        if node is not trie:
            node[end] = True
    edge = "".join(_class_char(c) for c in EDGE_CHARS)
    last = f"[^{edge}{_JSON_CHAR_EXCLUDED}]"

    def walk(node: dict, depth: int, may_end: bool) -> str:
        kids = sorted(k for k in node if k is not end)
        rest = max_chars - depth - 1  # characters that may follow this one
        off = "".join(_class_char(v) for k in kids for v in _variants(k)) + _JSON_CHAR_EXCLUDED
        first_edge = edge if not depth else ""
        alts = [f"[^{off}{edge}]"]  # leaves the trie and ends there
        if rest > 0:
            middle = f"{_JSON_CHAR}{{0,{rest - 1}}}" if rest > 1 else ""
            alts.append(f"[^{off}{first_edge}]{middle}{last}")  # leaves the trie and goes on
        for k in kids:
            if not depth and k in EDGE_CHARS:
                continue
            follow = "[" + "".join(_class_char(v) for v in _variants(k)) + "]"
            if rest > 0:
                alts.append(follow + walk(node[k], depth + 1, k not in EDGE_CHARS))
            elif end not in node[k] and k not in EDGE_CHARS:  # the last character there is room for
                alts.append(follow)
        group = "(" + "|".join(alts) + ")"
        return group + "?" if depth and may_end and end not in node else group

    return "^" + walk(trie, 0, False) + "$"
