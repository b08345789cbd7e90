"""Ask a chat client for tables: make one from a request, extract one from text, describe one.

Generation is constrained by the bounded schema, so even a tiny model answers
with JSON of the right shape; the answer still goes through ``parse_table``
because a remote server may ignore the schema and an answer cut off by
``max_tokens`` needs repair. A GUI that wants to stream and cancel can build
the messages with ``table_messages``/``extract_messages``, stream them itself
with ``table_schema(...)``, and finish with ``table_from_answer``.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmate.core.engines.base import ChatClient, ChatStream, Message, Sampling, msg

from .export import to_markdown
from .model import Table
from .parse import TableParseError, parse_table
from .schema import check_bounds, table_schema

# Low temperature: a table is facts and structure. No repeat penalty: the JSON
# punctuation repeats by nature and penalising it pushes the model off track.
TABLE_SAMPLING = Sampling(temperature=0.3, top_p=0.9, repeat_penalty=1.0, max_tokens=768)
DESCRIBE_SAMPLING = Sampling(temperature=0.5, top_p=0.9, repeat_penalty=1.1, max_tokens=300)


class TableGenerationError(TableParseError):
    """The model's answer held no usable table. ``answer`` is what it wrote."""

    def __init__(self, message: str, answer: str = "") -> None:
        super().__init__(message)
        self.answer = answer


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


def _run(
    client: ChatClient, messages: Sequence[Message], max_rows: int, max_cols: int, sampling: Sampling | None
) -> Table:
    completion = client.complete(messages, sampling=sampling or TABLE_SAMPLING, schema=table_schema(max_rows, max_cols))
    if completion.finish_reason == "cancelled":
        raise TableGenerationError("Making the table was cancelled.", completion.text)
    return table_from_answer(completion.text, max_rows, max_cols)


def generate_table(
    client: ChatClient,
    request: str,
    *,
    max_rows: int = 20,
    max_cols: int = 8,
    sampling: Sampling | None = None,
) -> Table:
    """Make a table for a request such as "3 fruits with colour and price"."""
    return _run(client, table_messages(request, max_rows, max_cols), max_rows, max_cols, sampling)


def extract_table(
    client: ChatClient,
    text: str,
    *,
    instruction: str = "",
    max_rows: int = 20,
    max_cols: int = 8,
    sampling: Sampling | None = None,
) -> Table:
    """Pull the facts in a text into a table (``instruction`` may say which, e.g. "one row per person")."""
    return _run(client, extract_messages(text, max_rows, max_cols, instruction), max_rows, max_cols, sampling)


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
