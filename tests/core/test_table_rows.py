"""A stated row count holds (core/tables/build.py, request.py, schema.py): rows the model writes twice —
also with other case, spacing or full-width forms — or as the header are dropped and asked for again,
the taken keys excluded by the top-up's schema itself; a range the request states ("January to June",
"周一到周五") gives the rows' keys, and the model fills only the other cells. The scripted stand-in serves
exact answers over the real protocol; the real tiny model shows the grammar holds."""

from __future__ import annotations

import json
import re

import pytest
from deskmate.core.engines.base import Sampling, msg
from deskmate.core.tables import make_table
from deskmate.core.tables.build import repeats_header, rows_schema, same_cell
from deskmate.core.tables.request import read_request, stated_range
from deskmate.core.tables.schema import not_one_of

BOOKS = ["Title", "Author", "Year"]


def book(title: str, author: str = "Someone", year: str = "1950") -> dict:
    return dict(zip(BOOKS, [title, author, year]))


def schemas(standin) -> list[dict]:
    return [b["response_format"]["json_schema"]["schema"] for b in standin.chat_bodies()]


def key_pattern(schema: dict) -> str:
    return schema["properties"]["rows"]["items"]["properties"]["Title"]["pattern"]


def test_a_duplicate_in_other_case_and_spacing_is_dropped_and_the_count_still_holds(standin, client) -> None:
    # The model writes "The Hobbit" twice, the second time as "the  hobbit": still the same book.
    standin.enqueue({"rows": [book("The Hobbit", "Tolkien", "1937"), book("the  hobbit", "J. R. R. Tolkien", "1937"),
                              book("Dune", "Herbert", "1965")]})
    standin.enqueue({"rows": [book("Emma", "Austen", "1815")]})
    build = make_table(client, "three books with the columns Title, Author, Year")
    assert [r[0] for r in build.table.rows] == ["The Hobbit", "Dune", "Emma"]
    assert build.check.dropped == 1 and build.check.ok
    top_up = schemas(standin)[1]
    assert top_up["properties"]["rows"]["minItems"] == top_up["properties"]["rows"]["maxItems"] == 1
    pattern = key_pattern(top_up)  # the schema itself refuses the taken keys and the column names
    for taken in ("The Hobbit", "the hobbit", "DUNE", "Title", "author"):
        assert not re.fullmatch(pattern, taken), taken
    for new in ("Emma", "The Hobbit 2", "Dun", "Dunes", "Ulysses"):
        assert re.fullmatch(pattern, new), new


def test_top_ups_go_on_while_they_add_rows_hotter_each_time(standin, client) -> None:
    # A server that ignores the pattern keeps writing taken rows; three top-ups are needed (the old build
    # stopped after two, one row short). Top-ups ask for one row each.
    standin.ignore_schema = True
    standin.enqueue({"rows": [book("Dune"), book("Dune"), book("DUNE")]})
    standin.enqueue({"rows": [book("Emma"), book("Emma")]})
    standin.enqueue({"rows": [book("Emma")]})
    standin.enqueue({"rows": [book("Ulysses")]})
    build = make_table(client, "three books with the columns Title, Author, Year")
    assert [r[0] for r in build.table.rows] == ["Dune", "Emma", "Ulysses"]
    assert build.check.ok and build.check.dropped == 4
    bodies = standin.chat_bodies()
    assert len(bodies) == 4
    temperatures = [b["temperature"] for b in bodies]
    assert temperatures == sorted(temperatures) and temperatures[-1] > temperatures[1] > temperatures[0]
    assert "Dune; Emma" in bodies[3]["messages"][-1]["content"]
    assert "Row 3 of 3" in bodies[3]["messages"][-1]["content"]  # one row at a time: it cannot repeat itself
    assert all(schema["properties"]["rows"]["maxItems"] == 1 for schema in schemas(standin)[1:])


def test_top_ups_stop_after_two_that_add_nothing_and_the_shortfall_is_said(standin, client) -> None:
    standin.ignore_schema = True
    standin.enqueue({"rows": [book("Dune"), book("Dune"), book("Dune")]})
    standin.enqueue({"rows": [book("dune"), book("Title", "Author", "Year")]})
    standin.enqueue({"rows": [book("Ｄｕｎｅ")]})  # full-width: the same book
    build = make_table(client, "three books with the columns Title, Author, Year")
    assert build.table.rows == [["Dune", "Someone", "1950"]]
    assert len(standin.chat_bodies()) == 3
    assert "The request asks for 3 rows; the model gave 1 usable ones." in build.check.notes


def test_a_month_range_gives_the_keys_and_the_model_fills_only_the_other_cells(standin, client) -> None:
    months = ["January", "February", "March", "April", "May", "June"]
    standin.enqueue({"rows": {m: {"Revenue (USD)": str(1000 + 10 * i)} for i, m in enumerate(months)}})
    build = make_table(client, "Monthly sales from January to June with the columns Month | Revenue (USD)")
    assert build.table.header == ["Month", "Revenue (USD)"]
    assert build.table.rows == [[m, str(1000 + 10 * i)] for i, m in enumerate(months)]
    (schema,) = schemas(standin)
    rows = schema["properties"]["rows"]
    assert list(rows["properties"]) == months and rows["required"] == months
    assert rows["additionalProperties"] is False
    cell = rows["properties"]["March"]
    assert list(cell["properties"]) == ["Revenue (USD)"] and cell["properties"]["Revenue (USD)"]["minLength"] == 1


def test_keys_the_answer_left_out_are_asked_for_alone(standin, client) -> None:
    standin.ignore_schema = True  # an answer cut short: only four of the six months
    standin.enqueue({"rows": {f"{m}月": {"销售额（元）": f"{m}00"} for m in range(1, 5)}})
    standin.enqueue({"rows": {"5月": {"销售额（元）": "500"}, "6月": {"销售额（元）": "600"}}})
    build = make_table(client, "1月到6月的销售额，列：月份、销售额（元）")
    assert build.table.rows == [[f"{m}月", f"{m}00"] for m in range(1, 7)]
    second = schemas(standin)[1]["properties"]["rows"]
    assert second["required"] == ["5月", "6月"]
    assert "5月、6月" in standin.chat_bodies()[1]["messages"][-1]["content"]


def test_a_range_without_named_columns_gets_a_column_for_it(standin, client) -> None:
    days = ["周一", "周二", "周三", "周四", "周五"]
    standin.enqueue({"rows": {d: {"值班表": n} for d, n in zip(days, ["张三", "李四", "王五", "赵六", "钱七"])}})
    build = make_table(client, "周一到周五的值班表")
    assert build.table.header == ["星期", "值班表"]
    assert [r[0] for r in build.table.rows] == days and build.table.rows[4] == ["周五", "钱七"]


@pytest.mark.parametrize("text, kind, keys", [
    ("Revenue 2019–2024", "year", ("2019", "2020", "2021", "2022", "2023", "2024")),
    ("2019年到2021年的人口", "year", ("2019年", "2020年", "2021年")),
    ("Sales Jan–Mar", "month", ("Jan", "Feb", "Mar")),
    ("一月至三月的用电量", "month", ("一月", "二月", "三月")),
    ("Monday to Wednesday", "day", ("Monday", "Tuesday", "Wednesday")),
    ("星期一到星期三", "day", ("星期一", "星期二", "星期三")),
    ("Q1 to Q4 revenue", "quarter", ("Q1", "Q2", "Q3", "Q4")),
    ("第一季度到第四季度的利润", "quarter", ("第一季度", "第二季度", "第三季度", "第四季度")),
    ("three rivers", "", ()),
])
def test_stated_ranges(text: str, kind: str, keys: tuple[str, ...]) -> None:
    assert stated_range(text) == (kind, keys)
    assert read_request(text).rows == (len(keys) or 3)


def test_a_count_given_otherwise_wins_over_the_range() -> None:
    assert read_request("sales from January to June", rows="3").keys == ()
    assert read_request("sales from January to June").keys[-1] == "June"


def test_header_repeats_and_duplicates_compare_normalised_cells() -> None:
    assert repeats_header(["Ｎａｍｅ", "ＡＧＥ"], ["Name", "Age"])  # full-width forms
    assert repeats_header(["  name ", "a g e"], ["Name", "Age"])
    assert same_cell("New  York") == same_cell("newyork") == same_cell("ＮＥＷ ＹＯＲＫ")
    assert same_cell("Paris") != same_cell("Parish")


# --- the real tiny model --------------------------------------------------------------------------


def test_the_tiny_model_cannot_write_an_excluded_key(engine) -> None:
    # Asked outright to write "Apple" again, under the top-up schema the model has to write another key.
    columns = ["Fruit", "Colour"]
    schema = rows_schema(columns, 2, 2, taken=["Apple", "Banana", "Fruit", "Colour"])
    messages = [msg("system", "You fill in tables. Reply with JSON."),
                msg("user", "Write two rows: Apple, red; Banana, yellow.\n\nColumns: Fruit | Colour")]
    for seed in (1, 2, 3):
        done = engine.complete(messages, Sampling(temperature=0.8, max_tokens=120, seed=seed, repeat_penalty=1.0),
                               schema=schema)
        rows = json.loads(done.text)["rows"]
        assert len(rows) == 2
        for row in rows:
            assert same_cell(row["Fruit"]) not in ("apple", "banana", "fruit", "colour"), done.text
            assert 1 <= len(row["Fruit"]) <= 32


@pytest.mark.parametrize("request_text, keys", [
    ("Monthly sales from January to June with the columns Month | Revenue (USD)",
     ["January", "February", "March", "April", "May", "June"]),
    ("1月到6月的销售额，列：月份、销售额（元）", [f"{m}月" for m in range(1, 7)]),
    ("Monday to Friday lunch menu with columns Day, Dish, Price (€)",
     ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
])
def test_ranges_on_the_tiny_model_give_exactly_their_rows(engine, request_text: str, keys: list[str]) -> None:
    build = make_table(engine, request_text)
    assert [r[0] for r in build.table.rows] == keys
    assert all(all(c.strip() for c in r) for r in build.table.rows)  # no blank cell stands in for a row
    assert build.check.ok, build.check.notes


def test_the_exclusion_pattern_refuses_taken_keys_in_any_case_and_with_edge_punctuation() -> None:
    pattern = not_one_of(["Apple", "苹果", "Price (€)"], 8)
    for refused in ("Apple", "APPLE", "Apple,", " apple", "苹果", "苹果。", "Price (€)", "", "a\"b", "x" * 9):
        assert not re.fullmatch(pattern, refused), refused
    for allowed in ("Apples", "Appl", "A", "苹果汁", "Price (€", "Pear", "x" * 8):
        assert re.fullmatch(pattern, allowed), allowed
