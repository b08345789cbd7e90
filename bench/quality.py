"""Structural quality of answers on the built-in model: tables, extractions, translations,
proofreading and routing over office requests in English and Chinese. Structure only, never taste:

  tables        columns exactly as the request names them; row count as stated; ≥ 2 distinct named
                columns, full rows, no empty row and no row repeating the header
  extractions   one row per entity; every cell found in the source text
  translations  an answer in the wrong language is never presented as a translation (a plain failure
                is fine); how many came back translated is printed too
  proofreading  no sentence of the original is missing; every change has a reason
  routing       the request lands in the expected category

    .venv/bin/python bench/quality.py                 # everything (≈ 60 requests)
    .venv/bin/python bench/quality.py --kinds tables,extractions,routing --limit 5
    .venv/bin/python bench/quality.py --kinds tables   # only the table requests (23)
    .venv/bin/python bench/quality.py --baseline      # also the one-shot table path, for comparison

``--baseline`` runs the same table requests through the one-shot path (one bounded schema for the
whole table, as before the two-step build) in the same run, so load on the machine cancels out.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

from deskmate.core.tables import Table, make_table, read_request  # noqa: E402
from deskmate.core.tables.build import repeats_header, unfound_cells  # noqa: E402

# (request, columns it names or None, rows it states or None)
# Named and unnamed columns alternate, so a run with --limit samples both.
TABLES = [
    ("Name three rivers in Africa with their length and the sea they flow into", None, 3),
    ("Planets with the columns Planet, Diameter (km), Moons. Four planets.", ["Planet", "Diameter (km)", "Moons"], 4),
    ("做一个表格：六种常见办公软件及其用途。", None, 6),
    ("一个表格，列为：城市、人口（万）、面积（平方公里），四个城市", ["城市", "人口（万）", "面积（平方公里）"], 4),
    ("a table of 3 fruits with colour and price", None, 3),
    ("Make a table with columns Risk | Likelihood | Impact for a website launch", ["Risk", "Likelihood", "Impact"],
     None),
    ("four countries and their capitals", None, 4),
    ("Monthly sales from January to June with the columns Month | Revenue (USD)", ["Month", "Revenue (USD)"], 6),
    ("top 5 programming languages with the year they appeared", None, 5),
    ("Revenue 2019–2024 with columns Year, Revenue (million USD)", ["Year", "Revenue (million USD)"], 6),
    ("two laptops with price, weight and battery life", None, 2),
    ("weekly team meeting schedule: Day, Time, Topic", ["Day", "Time", "Topic"], None),
    ("three books with the columns Title, Author, Year", ["Title", "Author", "Year"], 3),
    ("列出四个中国城市及其人口", None, 4),
    ("Monday to Friday lunch menu with columns Day, Dish, Price (€)", ["Day", "Dish", "Price (€)"], 5),
    ("三位员工的姓名、部门和入职日期", None, 3),
    ("周一到周五的值班表", None, 5),
    ("做一个包含名称、价格和产地三列的表格，五种水果", ["名称", "价格", "产地"], 5),
    ("common office software and what it is for", None, None),
    ("表头：姓名，部门，入职日期。三位员工", ["姓名", "部门", "入职日期"], 3),
    ("常见的水果及其颜色", None, None),
    ("1月到6月的销售额，列：月份、销售额（元）", ["月份", "销售额（元）"], 6),
    ("员工表，字段包括工号、姓名及职位。", ["工号", "姓名", "职位"], None),
]

# (instruction, source text, columns it names or None, entities in the text)
EXTRACTIONS = [
    ("", "Our suppliers: Acme Ltd in Berlin since 2018; Bolt Inc in Austin since 2020; Crane Co in Osaka since 2015.",
     None, 3),
    ("columns Name, Age, City", "Alice Chen is 34 and lives in Paris. Bob Müller is 27 and lives in Berlin.",
     ["Name", "Age", "City"], 2),
    ("", "Orders:\n- 12 chairs, €45 each, due 3 May\n- 4 desks, €210 each, due 10 May\n- 2 lamps, €30 each, due 1 June",
     None, 3),
    ("columns Product, Price", "The Basic plan costs $9 per month; the Pro plan costs $29 per month.",
     ["Product", "Price"], 2),
    ("", "张三，销售部，2019年入职；李四，技术部，2021年入职；王五，财务部，2018年入职。", None, 3),
    ("列：城市、温度", "北京今天晴，最高气温12度。上海多云，最高气温18度。广州小雨，最高气温24度。", ["城市", "温度"], 3),
    ("", "会议纪要：\n小王负责报价单，周五前完成\n小李负责合同审核，下周一前完成", None, 2),
]

# (text, target)
TRANSLATIONS = [
    ("The meeting is moved to Thursday afternoon.", "zh"),
    ("Please send the invoice to the finance team by Friday.", "zh"),
    ("Our new office opens on the third floor next month.", "zh"),
    ("Thank you for your order. It will ship within two days.", "zh"),
    ("The quarterly report shows that sales grew by twelve percent.", "zh"),
    ("会议改到周四下午举行。", "en"),
    ("请在周五之前把发票发给财务部。", "en"),
    ("我们的新办公室下个月在三楼开业。", "en"),
    ("感谢您的订购，商品将在两天内发货。", "en"),
    ("季度报告显示销售额增长了百分之十二。", "en"),
]

PROOFREAD = [
    "Their going to the markt tomorow. We meets at nine in the morning.",
    "The report were finished on monday. Please check it before the meeting.",
    "i has sent the invoice yesterday. Let me know if you dont receive it.",
    "Our team have grow a lot this year. We hired five new peoples.",
    "The shop close at five. Dont be late, the manager wont wait.",
    "Its a good idea to backup you're files. Do it every week.",
    "我们明天再开会。请大家准时参加。",
    "这个方案的的优点很多。但是成本太高了。",
    "报告已经完成了,请查收。如有问题请联系我。",
]

# (request, expected category)
ROUTING = [
    ("Make a table of three rivers with their length", "table"),
    ("做一个表格：六种常见办公软件及其用途。", "table"),
    ("根据下面的内容做表：张三，销售部；李四，技术部。", "table"),
    ("Make a table from this text: Acme Ltd in Berlin; Bolt Inc in Austin.", "table"),
    ("Translate this email into Chinese", "translate"),
    ("把这段话翻译成英文", "translate"),
    ("Proofread my paragraph for spelling mistakes", "proofread"),
    ("帮我校对一下这段文字", "proofread"),
    ("Summarize this report in three bullet points", "summarize"),
    ("总结一下这篇文章", "summarize"),
    ("Write an email to my manager asking for a day off", "writing"),
    ("写一封请假邮件", "writing"),
    ("Compare Python and Java in a table", "table"),
    ("Extract the contact details from this signature", "extract"),
]

ROUTE_CATEGORY_ALIASES = {"rewrite": "writing", "email": "writing"}


@dataclasses.dataclass
class Tally:
    name: str
    passed: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.passed += bool(ok)

    def line(self) -> str:
        if not self.total:
            return f"{self.name:<38} —"
        return f"{self.name:<38} {self.passed:>3}/{self.total:<3} {100 * self.passed / self.total:5.1f} %"


def structure_ok(table: Table) -> bool:
    header = table.header
    return (len(header) >= 2 and len({h.casefold() for h in header}) == len(header) and all(h.strip() for h in header)
            and len(table.rows) >= 1 and all(len(r) == len(header) and any(c.strip() for c in r) for r in table.rows)
            and not any(repeats_header(r, header) for r in table.rows))


def one_shot(engine, request: str, source: str | None) -> Table:  # type: ignore[no-untyped-def]
    """The path before the two-step build: one bounded schema for the whole table."""
    from deskmate.core.tables.generate import TABLE_SAMPLING, extract_messages, table_from_answer, table_messages
    from deskmate.core.tables.schema import table_schema

    messages = extract_messages(source, instruction=request) if source else table_messages(request)
    done = engine.complete(messages, TABLE_SAMPLING, schema=table_schema(20, 8))
    return table_from_answer(done.text)


def bench_tables(engine, limit: int, baseline: bool, log, kinds=("tables", "extractions")) -> list[Tally]:  # type: ignore[no-untyped-def]
    named, counted, shaped = Tally("tables: columns as named"), Tally("tables: row count as stated"), \
        Tally("tables: structure")
    ex_found, ex_rows, ex_shape = Tally("extractions: cells found in the source"), \
        Tally("extractions: one row per entity"), Tally("extractions: structure")
    old = [Tally("one-shot baseline: columns as named"), Tally("one-shot baseline: row count as stated"),
           Tally("one-shot baseline: structure"), Tally("one-shot baseline: cells found in source")]
    cases = [(r, None, c, n) for r, c, n in TABLES[:limit] if "tables" in kinds]
    cases += [(i, s, c, n) for i, s, c, n in EXTRACTIONS[:limit] if "extractions" in kinds]
    for request, source, columns, rows in cases:
        assert read_request(request, extract=source is not None).columns == tuple(columns or ()), request
        t0 = time.monotonic()
        try:
            build = make_table(engine, request, source=source)
            table, unfound, dropped = build.table, build.check.unfound, build.check.dropped
        except Exception as e:  # a failure counts against every check it touches
            log(f"  FAILED {request or source[:40]!r}: {e}")
            table, unfound, dropped = None, [(0, 0)], 0
        ok_shape = table is not None and structure_ok(table)
        if source is None:
            if columns:
                named.add(table is not None and table.header == columns)
            if rows:
                counted.add(table is not None and len(table.rows) == rows)
            shaped.add(ok_shape)
        else:
            ex_found.add(table is not None and not unfound and not unfound_cells(table, source))
            ex_rows.add(table is not None and len(table.rows) == rows)
            ex_shape.add(ok_shape and (not columns or table.header == columns))
        shown = f"{table.shape[0]}×{table.shape[1]} {table.header}" if table is not None else "—"
        log(f"  {time.monotonic() - t0:5.1f}s {(request or source)[:48]!r}: {shown}"
            + (f" ({dropped} rows dropped)" if dropped else ""))
        if baseline:
            try:
                t = one_shot(engine, request or "", source)
            except Exception:
                t = None
            if columns:
                old[0].add(t is not None and t.header == columns)
            if rows:
                old[1].add(t is not None and len(t.rows) == rows)
            old[2].add(t is not None and structure_ok(t))
            if source:
                old[3].add(t is not None and not unfound_cells(t, source))
    return [named, counted, shaped, ex_found, ex_rows, ex_shape] + (old if baseline else [])


def bench_translations(engine, limit: int, log) -> list[Tally]:  # type: ignore[no-untyped-def]
    from deskmate.core.tasks.langdetect import resolve_language
    from deskmate.core.tasks.run import Failed, TaskRun, TranslationDone
    from deskmate.core.tasks.translate import TranslationLanguageError, language_matches

    never_wrong, translated = Tally("translations: no wrong-language answer shown"), \
        Tally("translations: translated (else a plain failure)")
    for text, target in TRANSLATIONS[:limit]:
        run = TaskRun("translate.text", {"text": text, "target": target}, client=engine)
        events = list(run)
        done = next((e.result for e in events if isinstance(e, TranslationDone)), None)
        failed = next((e for e in events if isinstance(e, Failed)), None)
        wrong = done is not None and any(language_matches(p.translation, resolve_language(target)) is False
                                         for p in done.paragraphs if not p.passthrough)
        plain = failed is not None and isinstance(failed.error, TranslationLanguageError)
        never_wrong.add(not wrong and (done is not None or plain))
        translated.add(done is not None and not wrong)
        log(f"  → {target}: {(done.text if done else failed.message if failed else '')[:70]!r}")
    return [never_wrong, translated]


def bench_proofread(engine, limit: int, log) -> list[Tally]:  # type: ignore[no-untyped-def]
    from deskmate.core.tasks.proofread import proofread, restore_dropped, sentence_spans

    kept, reasons = Tally("proofreading: no sentence dropped"), Tally("proofreading: every change has a reason")
    for text in PROOFREAD[:limit]:
        result = proofread(engine, text, explain=False)
        dropped = restore_dropped(text, result.corrected)[1]
        kept.add(not dropped and len(sentence_spans(result.corrected)) >= len(sentence_spans(text)))
        reasons.add(all(c.reason for c in result.changes))
        log(f"  {len(result.changes)} changes, {len(result.restored)} restored: {result.corrected[:70]!r}")
    return [kept, reasons]


def bench_routing(engine, limit: int, log) -> list[Tally]:  # type: ignore[no-untyped-def]
    from deskmate.core.tasks.routing import route

    landed = Tally("routing: expected category")
    for request, category in ROUTING[:limit]:
        got = route(request, client=engine)
        landed.add(ROUTE_CATEGORY_ALIASES.get(got.category, got.category) == category)
        log(f"  {request[:48]!r} → {got.task_id} ({got.method})")
    return landed and [landed]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kinds", default="tables,extractions,translations,proofreading,routing")
    ap.add_argument("--limit", type=int, default=1000, help="at most this many requests of each list")
    ap.add_argument("--baseline", action="store_true", help="also run the one-shot table path")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    from deskmate.core.engines.factory import local_engine
    from deskmate.core.engines.embedded import embedded_model_path

    def log(line: str) -> None:
        if not args.quiet:
            print(line, flush=True)

    kinds = args.kinds.split(",")
    n = sum(len(x[: args.limit]) for k, x in (("tables", TABLES), ("extractions", EXTRACTIONS), ("translations", TRANSLATIONS),
                                              ("proofreading", PROOFREAD), ("routing", ROUTING)) if k in kinds)
    print(f"bench/quality.py: {n} requests, built-in model, load {os.getloadavg()[0]:.1f}", flush=True)
    engine = local_engine(embedded_model_path(), n_ctx=4096, threads=2)
    engine.wait_ready(180)
    tallies: list[Tally] = []
    t0 = time.monotonic()
    try:
        if "tables" in kinds or "extractions" in kinds:
            tallies += bench_tables(engine, args.limit, args.baseline, log, kinds)
            tallies = [t for t in tallies if t.total]
        if "translations" in kinds:
            tallies += bench_translations(engine, args.limit, log)
        if "proofreading" in kinds:
            tallies += bench_proofread(engine, args.limit, log)
        if "routing" in kinds:
            tallies += bench_routing(engine, args.limit, log)
    finally:
        engine.close()
    print(f"\n{time.monotonic() - t0:.0f} s, load {os.getloadavg()[0]:.1f}")
    for t in tallies:
        print(t.line())


if __name__ == "__main__":
    main()
