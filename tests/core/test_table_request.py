"""Reading a table request without a model (core/tables/request.py): named columns exactly as
written, stated row counts, extraction and its source text, in English and Chinese."""

from __future__ import annotations

import pytest
from deskmate.core.tables.request import (
    named_columns,
    read_request,
    row_count,
    split_list,
    split_source,
    suggested_columns,
    zh_number,
)


@pytest.mark.parametrize("request_text, columns", [
    ("Planets with the columns Planet, Diameter (km), Moons", ("Planet", "Diameter (km)", "Moons")),
    ("columns: Month | Revenue (USD) | Change %", ("Month", "Revenue (USD)", "Change %")),
    ("Make a table with columns Risk | Likelihood (low/medium/high) | Impact. Order it by severity.",
     ("Risk", "Likelihood (low/medium/high)", "Impact")),
    ("a table with the headers \"Name\", \"Age\" and \"City\" for my team", ("Name", "Age", "City")),
    ("Revenue 2019–2024 with columns Year, Revenue (million USD)", ("Year", "Revenue (million USD)")),
    ("weekly team meeting schedule: day, time, topic", ("day", "time", "topic")),
    ("Price list, fields: SKU, Price (USD, incl. tax), Stock", ("SKU", "Price (USD, incl. tax)", "Stock")),
    ("一个表格，列为：城市、人口（万）、面积（平方公里）", ("城市", "人口（万）", "面积（平方公里）")),
    ("一个表格，列为：城市、人口（万），四个城市", ("城市", "人口（万）")),
    ("做一个包含名称、价格和产地三列的表格，五种水果", ("名称", "价格", "产地")),
    ("表头：姓名，部门，入职日期", ("姓名", "部门", "入职日期")),
    ("员工表，字段包括工号、姓名及职位。", ("工号", "姓名", "职位")),
])
def test_named_columns_are_kept_exactly_as_written(request_text: str, columns: tuple[str, ...]) -> None:
    assert named_columns(request_text) == columns


@pytest.mark.parametrize("request_text", [
    "Name three rivers in Africa with their length and the sea they flow into",
    "a table with 3 columns and 5 rows about dogs",
    "做一个表格：六种常见办公软件及其用途。",
    "列出四个中国城市及其人口",
    "做一个三列的表格，介绍五种水果",
    "top 10 cities by population",
])
def test_requests_that_name_no_columns_give_none(request_text: str) -> None:
    assert named_columns(request_text) == ()


@pytest.mark.parametrize("request_text, rows", [
    ("Name three rivers in Africa with their length and the sea they flow into", 3),
    ("做一个表格：六种常见办公软件及其用途。", 6),
    ("Monthly sales from January to June", 6),
    ("Sales Jan–Sep 2024", 9),
    ("Revenue 2019–2024 with columns Year, Revenue", 6),
    ("2019年到2024年的人口", 6),
    ("1月到6月的销售额", 6),
    ("一月至十二月的用电量", 12),
    ("Monday to Friday lunch menu", 5),
    ("周一到周五的值班表", 5),
    ("a table of 3 fruits with colour and price", 3),
    ("a table with 3 columns and 5 rows about dogs", 5),
    ("top 10 cities by population", 10),
    ("a dozen common spices", 12),
    ("列出四个中国城市及其人口", 4),
    ("前五名的销售员", 5),
    ("十二种水果的价格", 12),
    ("做一个表格，共8行，介绍编程语言", 8),
    ("二十五个常用汉字", 25),
])
def test_stated_row_counts(request_text: str, rows: int) -> None:
    assert row_count(request_text) == rows


@pytest.mark.parametrize("request_text", [
    "prices of fruit under $5",
    "rivers longer than 1000 km",
    "a table with 3 columns about dogs",
    "one row per supplier",
    "做一个表格：常见办公软件及其用途",
    "做一个三列的表格，介绍水果",
    "每个部门一行",
    "a 5% discount table for products",
    "countries and their capitals",
])
def test_measures_and_per_row_phrases_are_not_counts(request_text: str) -> None:
    assert row_count(request_text) is None


def test_chinese_numbers() -> None:
    assert [zh_number(t) for t in ("一", "两", "十", "十二", "二十", "二十五", "一百", "7", "几")] == \
        [1, 2, 10, 12, 20, 25, 100, 7, None]


def test_lists_split_outside_brackets_and_on_and() -> None:
    assert split_list("Name, Price (USD, incl. tax) and Stock") == ["Name", "Price (USD, incl. tax)", "Stock"]
    assert split_list("Likelihood (low and high) | Owner") == ["Likelihood (low and high)", "Owner"]
    assert split_list("名称、用途和价格") == ["名称", "用途", "价格"]
    assert split_list("Name, name, Age") == ["Name", "Age"]


SUPPLIERS = "Our suppliers: Acme Ltd in Berlin since 2018; Bolt Inc in Austin since 2020; Crane Co in Osaka since 2015."


def test_an_extraction_request_carries_its_source() -> None:
    asked = read_request(f"Make a table from this text: {SUPPLIERS}")
    assert asked.extract and asked.source == SUPPLIERS and asked.text == "Make a table from this text"
    assert asked.rows is None  # the years in the source are not a count

    zh = read_request("根据下面的内容做表：张三，销售部，2019年入职；李四，技术部，2021年入职。")
    assert zh.extract and zh.source == "张三，销售部，2019年入职；李四，技术部，2021年入职。" and zh.lang == "zh"


def test_extraction_words_without_a_source_still_mark_extraction() -> None:
    asked = read_request("one row per supplier from this text")
    assert asked.extract and asked.source == "" and asked.rows is None
    assert split_source("Make a table of 3 fruits: apple, pear and plum") == (
        "Make a table of 3 fruits: apple, pear and plum", "")


def test_form_fields_win_over_the_request_text() -> None:
    asked = read_request("planets of the solar system", columns="Planet, Diameter (km), Moons", rows="4")
    assert asked.columns == ("Planet", "Diameter (km)", "Moons") and asked.rows == 4 and not asked.extract


def test_suggested_columns_come_from_the_attributes_asked_about() -> None:
    assert suggested_columns("Name three rivers in Africa with their length and the sea they flow into") == (
        "Name", "Length", "Sea they flow into")
    assert suggested_columns("做一个表格：六种常见办公软件及其用途。") == ("名称", "用途")
    assert suggested_columns("三位员工的姓名、部门和入职日期") == ("姓名", "部门", "入职日期")
    assert suggested_columns("top 10 cities") == ("Name", "Details")
