"""Ask a chat client for tables: make one from a request, extract one from text, describe one.

``generate_table`` and ``extract_table`` go through the two-step build (build.py): columns as the
request names them, rows under a schema with exactly those columns and the stated count.
``table_messages``/``table_from_answer`` remain for one-shot answers (a pasted or remote JSON table),
which go through ``parse_table`` because a server may ignore the schema.
"""

from __future__ import annotations

import dataclasses

from deskmate.core.engines.base import ChatClient, ChatStream, Message, Sampling, msg

from .export import to_markdown
from .model import Table
from .parse import TableParseError, parse_table
from .build import TableBuild, TableGenerationError, run_build
from .request import read_request
from .schema import check_bounds

# Low temperature: a table is facts and structure. No repeat penalty: the JSON
# punctuation repeats by nature and penalising it pushes the model off track.
TABLE_SAMPLING = Sampling(temperature=0.3, top_p=0.9, repeat_penalty=1.0, max_tokens=768)
DESCRIBE_SAMPLING = Sampling(temperature=0.5, top_p=0.9, repeat_penalty=1.1, max_tokens=300)


def _system(max_rows: int, max_cols: int) -> str:
    # No JSON skeleton with "..." in it: a small model copies placeholders
    # (and any worked example) into its table. The grammar enforces the form.
    return (
        "You make tables. Reply with JSON only: \"columns\" lists the column names; "
        "\"rows\" lists the rows, each with one value per column in the same order; "
        "\"title\" names the table. "
        f"Use at most {max_cols} columns and {max_rows} rows, and keep cells short. "
        "Write the table in the language of the request."
    )


def table_messages(request: str, max_rows: int = 20, max_cols: int = 8) -> list[Message]:
    if not request.strip():
        raise ValueError("Say what the table should contain, for example “3 fruits with colour and price”.")
    check_bounds(max_rows, max_cols)
    return [msg("system", _system(max_rows, max_cols)), msg("user", f"Make a table: {request.strip()}")]


def extract_messages(text: str, max_rows: int = 20, max_cols: int = 8, instruction: str = "") -> list[Message]:
    if not text.strip():
        raise ValueError("There is no text to extract a table from.")
    check_bounds(max_rows, max_cols)
    system = _system(max_rows, max_cols)
    system += " Use only facts stated in the text; leave a cell empty when the text does not say."
    ask = "Extract a table from this text."
    if instruction.strip():
        ask += f" {instruction.strip()}"
    return [msg("system", system), msg("user", f"{ask}\n\nText:\n{text.strip()}")]


def table_from_answer(answer: str, max_rows: int = 20, max_cols: int = 8) -> Table:
    """Parse a model's answer and hold it to the bounds; empty rows are dropped."""
    try:
        table = parse_table(answer)
    except TableParseError:
        raise TableGenerationError(
            "The model did not produce a table this time. Try again, or phrase the request more simply.", answer
        ) from None
    table.columns = table.columns[:max_cols]
    table.rows = [row[:max_cols] for row in table.rows if any(cell.strip() for cell in row[:max_cols])][:max_rows]
    table.retype()
    if not table.rows:
        raise TableGenerationError(
            "The model produced column names but no rows. Try again or ask for fewer columns.", answer
        )
    return table


def generate_table(
    client: ChatClient,
    request: str,
    *,
    max_rows: int = 20,
    max_cols: int = 8,
    sampling: Sampling | None = None,
) -> Table:
    """Make a table for a request such as "3 fruits with colour and price" (two steps: see build.py).

    A request that carries its own text ("… from this text: …") is an extraction."""
    return make_table(client, request, max_rows=max_rows, max_cols=max_cols, sampling=sampling).table


def extract_table(
    client: ChatClient,
    text: str,
    *,
    instruction: str = "",
    max_rows: int = 20,
    max_cols: int = 8,
    sampling: Sampling | None = None,
) -> Table:
    """Pull the facts in a text into a table, one row per entry; ``instruction`` may name the columns."""
    if not text.strip():
        raise ValueError("There is no text to extract a table from.")
    return make_table(client, instruction, source=text, max_rows=max_rows, max_cols=max_cols,
                      sampling=sampling).table


def make_table(
    client: ChatClient,
    request: str,
    *,
    source: str | None = None,
    max_rows: int = 20,
    max_cols: int = 8,
    sampling: Sampling | None = None,
) -> TableBuild:
    """The table and its checks (cells not found in the source, rows short of the count asked)."""
    check_bounds(max_rows, max_cols)
    asked = read_request(request, extract=source is not None)
    if source is not None:
        asked = dataclasses.replace(asked, source=source.strip())
    build = run_build(client, asked, sampling=sampling or TABLE_SAMPLING, max_rows=max_rows, max_cols=max_cols)
    if build.cancelled or build.table is None:
        raise TableGenerationError("Making the table was cancelled.", build.answer)
    return build


def describe_messages(table: Table) -> list[Message]:
    if not table.columns:
        raise ValueError("The table is empty, so there is nothing to describe.")
    return [
        msg(
            "system",
            "You describe tables in plain prose: one short paragraph on what the table shows and what stands out. "
            "Do not draw a table or a list. Write in the language of the table.",
        ),
        msg("user", f"Describe this table:\n\n{to_markdown(table)}"),
    ]


def describe_table(client: ChatClient, table: Table, sampling: Sampling | None = None) -> ChatStream:
    """Stream a short prose description of the table."""
    return client.stream(describe_messages(table), sampling=sampling or DESCRIBE_SAMPLING)
