"""Tables from a chat model: exact content from the scripted stand-in; structure and bounds (never
quality) from the real tiny model (SmolLM2-135M)."""

from __future__ import annotations

import json

import pytest
from deskmate.core.engines.base import Sampling
from deskmate.core.remote import RemoteClient, RemoteEndpoint
from deskmate.core.tables import Table, describe_table, extract_table, generate_table, table_schema
from deskmate.core.tables.generate import table_messages
from remote_standin import StandIn

# Short answers keep the file fast on two shared cores; an answer cut off by the
# limit must still come back as a table, which is part of what is tested.
FAST = Sampling(temperature=0.3, top_p=0.9, repeat_penalty=1.0, max_tokens=96, seed=7)

REQUESTS = [
    "a table of 3 fruits with colour and price",
    "3 planets with their diameter in km",
    "weekly team meeting schedule: day, time, topic",
    "two programming languages and the year they appeared",
    "shopping list with item, quantity and unit price",
    "four countries and their capitals",
    "employee directory: name, department, phone",
    "monthly budget: category and amount",
    "compare 3 laptops by price, weight and battery life",
    "a reading list of 3 books with author and year",
    "project tasks with owner, due date and status",
    "temperature forecast for the next 3 days",
    "a conversion table from inches to centimetres for 1 to 4 inches",
    "customer profile: name, company, email, city",
    "pros and cons of working from home",
    "一个包含三种水果、颜色和价格的表格",
    "列出四个中国城市及其人口",
    "本周会议安排：日期、时间、主题",
    "三位员工的姓名、部门和入职日期",
    "常见的办公软件及其用途",
]
BOUNDS = [(3, 3), (4, 2), (2, 4), (5, 3)]


def assert_table_within(table: Table, max_rows: int, max_cols: int) -> None:
    rows, cols = table.shape
    assert 1 <= cols <= max_cols, table
    assert 1 <= rows <= max_rows, table
    assert all(len(row) == cols for row in table.rows)
    assert all(name.strip() for name in table.header)
    assert len({name.casefold() for name in table.header}) == cols  # names are unique


@pytest.mark.parametrize("i", range(len(REQUESTS)), ids=[r[:24] for r in REQUESTS])
def test_requests_become_bounded_tables(engine, i: int) -> None:  # type: ignore[no-untyped-def]
    max_rows, max_cols = BOUNDS[i % len(BOUNDS)]
    table = generate_table(engine, REQUESTS[i], max_rows=max_rows, max_cols=max_cols, sampling=FAST)
    assert_table_within(table, max_rows, max_cols)
    assert any(cell.strip() for row in table.rows for cell in row)


def test_the_grammar_itself_holds_the_model_to_the_bounds(engine) -> None:  # type: ignore[no-untyped-def]
    """The raw answer, before any clipping, is JSON within the schema's limits."""
    answer = engine.complete(
        table_messages("ten animals with their habitat, diet, lifespan and weight", max_rows=2, max_cols=2),
        sampling=Sampling(temperature=0.8, repeat_penalty=1.0, max_tokens=400, seed=3),
        schema=table_schema(max_rows=2, max_cols=2, cell_chars=20, title_chars=20),
    )
    assert answer.finish_reason == "stop"  # the bounds end the answer before the token limit does
    data = json.loads(answer.text, strict=False)
    assert list(data) == ["columns", "rows", "title"] and len(data["title"]) <= 20
    assert 1 <= len(data["columns"]) <= 2
    assert 1 <= len(data["rows"]) <= 2
    assert all(1 <= len(row) <= 2 and all(len(cell) <= 20 for cell in row) for row in data["rows"])


PEOPLE_TEXT = (
    "Alice Chen is 34 and works in Paris as a designer. "
    "Bob Müller is 27 and works in Berlin as an engineer. "
    "Carla Rossi is 45 and works in Rome as a lawyer."
)
PEOPLE = [["Alice Chen", "34", "Paris"], ["Bob Müller", "27", "Berlin"], ["Carla Rossi", "45", "Rome"]]


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        yield s


def standin_client(s: StandIn) -> RemoteClient:
    return RemoteClient(RemoteEndpoint("standin", s.url, s.model, kind="openai"), None)


def test_extract_a_table_from_text(standin) -> None:
    standin.enqueue({"columns": ["Name", "Age", "City"]})
    standin.enqueue(*({"Name": n, "Age": a, "City": c} for n, a, c in PEOPLE))
    table = extract_table(standin_client(standin), PEOPLE_TEXT, instruction="one row per person", max_rows=4,
                          max_cols=3)
    assert (table.header, table.rows) == (["Name", "Age", "City"], PEOPLE)
    assert [c.type for c in table.columns] == ["text", "number", "text"]
    first, *rows = standin.chat_bodies()
    assert first["response_format"]["json_schema"]["schema"]["properties"]["columns"]["maxItems"] == 3
    assert PEOPLE_TEXT[:200] in first["messages"][-1]["content"]
    # One request per person, each limited to that person's own words.
    assert [r["messages"][-1]["content"].split("Text: ")[1] for r in rows] == [
        "Alice Chen is 34 and works in Paris as a designer", "Bob Müller is 27 and works in Berlin as an engineer",
        "Carla Rossi is 45 and works in Rome as a lawyer"]
    enum = rows[1]["response_format"]["json_schema"]["schema"]["properties"]["City"]["enum"]
    assert "Berlin" in enum and "Paris" not in enum


def test_a_table_beyond_the_bounds_is_clipped_and_empty_rows_dropped(standin) -> None:
    standin.ignore_schema = True  # a server that ignores response_format and answers more than was asked
    standin.enqueue({"rows": [[*PEOPLE[0], "designer"], ["", "", "", ""], [*PEOPLE[1], "engineer"],
                              [*PEOPLE[2], "lawyer"]]})
    table = generate_table(standin_client(standin), "staff with age and city", max_rows=2, max_cols=3)
    assert table.header == ["Name", "Age", "City"] and table.rows == PEOPLE[:2]


def test_extract_a_table_on_the_real_model(engine) -> None:  # type: ignore[no-untyped-def]
    """Smoke test: the real tiny model's extraction comes back as a bounded table."""
    table = extract_table(engine, PEOPLE_TEXT, max_rows=4, max_cols=3, sampling=FAST)
    assert_table_within(table, 4, 3)


def test_describe_a_table_streams_prose(engine) -> None:  # type: ignore[no-untyped-def]
    table = Table.from_values(["Fruit", "Colour", "Price"], [["Apple", "red", "1.20"], ["Banana", "yellow", "0.50"]])
    stream = describe_table(engine, table, sampling=Sampling(max_tokens=48, seed=1))
    deltas = [d for d in stream]
    result = stream.result()
    assert len([d for d in deltas if d]) >= 2  # it arrived piece by piece
    assert result.text == "".join(deltas) and result.text.strip()
    assert result.finish_reason in ("stop", "length")
    assert result.usage.completion_tokens >= 1
