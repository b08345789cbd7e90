"""Task commands sent to a remote server with --remote NAME (the stand-in speaks the OpenAI API)."""

from __future__ import annotations

import json

import pytest
from remote_standin import StandIn


@pytest.fixture
def standin(deskmate_cli):
    server = StandIn(key=None).start()
    added = deskmate_cli("remote", "add", "big", server.url, "--model", "standin-180b", "--kind", "openai", "--no-key",
                         timeout=60)
    assert added.returncode == 0, added.stderr
    yield server
    server.close()


def test_write_runs_on_the_remote_server(standin, deskmate_cli):
    proc = deskmate_cli("write", "summarize.tldr", "--remote", "big", stdin="Sales rose 12% in March.", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Hello, this is the stand-in server. Done"
    body = standin.chat_bodies()[-1]
    assert body["model"] == "standin-180b"
    assert "Sales rose 12% in March." in body["messages"][-1]["content"]


def test_write_on_a_table_task_prints_the_table_deskmate_table_prints(standin, deskmate_cli):
    rows = {"rows": [{"Name": "Apple", "Colour": "red", "Price": "1.20"},
                     {"Name": "Banana", "Colour": "yellow", "Price": "0.50"}]}
    standin.enqueue(rows, rows)
    table = deskmate_cli("table", "two fruits with colour and price", "--remote", "big", timeout=60)
    write = deskmate_cli("write", "table.make", "--var", "about=two fruits with colour and price", "--remote", "big",
                         timeout=60)
    assert table.returncode == write.returncode == 0, table.stderr + write.stderr
    assert write.stdout == table.stdout == (
        "## two fruits with colour and price\n\n| Name | Colour | Price |\n| --- | --- | ---: |\n| Apple | red | 1.20 |\n"
        "| Banana | yellow | 0.50 |\n\n")
    made, written = (b["response_format"] for b in standin.chat_bodies())
    assert made == written, "the same row schema: exactly the columns asked about, two rows"
    assert made["json_schema"]["schema"]["properties"]["rows"]["minItems"] == 2


def test_write_on_a_diff_task_prints_the_diff(standin, deskmate_cli):
    standin.enqueue("They're going to the market.", match="Their going")
    standin.enqueue({"reasons": ["contraction", "spelling"]}, match="You explain proofreading")
    proc = deskmate_cli("write", "proofread.check", "--remote", "big", "--json", stdin="Their going to the markt.",
                        timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["answer"] == "They're going to the market." and out["kind"] == "diff"
    assert out["diff"] == ("--- original\n+++ corrected\n@@ -1 +1 @@\n-Their going to the markt.\n"
                           "+They're going to the market.\n")
    # The reason is told from the edit; the model's words are a note, and "spelling" repeats the reason.
    assert [(c["original"], c["replacement"], c["reason"], c["note"]) for c in out["changes"]] == [
        ("Their", "They're", "spelling", "contraction"), ("markt", "market", "spelling", "")]


def test_write_with_review_prints_the_issues_and_the_rewrite(standin, deskmate_cli):
    standin.enqueue("Sales rose. The weather was nice.",
                    {"issues": ["Mentions the weather, which the text does not."], "ok": False},
                    "Sales rose 12% in March.")
    proc = deskmate_cli("write", "summarize.tldr", "--review", "--remote", "big", stdin="Sales rose 12% in March.",
                        timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Sales rose. The weather was nice.\n\n--- revised after review ---\nSales rose 12% in March.\n"
    assert "deskmate: review: Mentions the weather, which the text does not." in proc.stderr
    assert "deskmate: review changed" in proc.stderr  # what the rewrite changed, edit by edit
    standin.enqueue("Sales rose.", {"issues": [], "ok": True})
    proc = deskmate_cli("write", "summarize.tldr", "--review", "--json", "--remote", "big", stdin="Sales rose.",
                        timeout=60)
    assert json.loads(proc.stdout)["review"] == {"ok": True, "issues": [], "revised": None, "diff": "", "changes": []}


def test_chat_with_unknown_remote_is_a_one_line_error(standin, deskmate_cli):
    proc = deskmate_cli("chat", "--remote", "nope", "hi", timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0]


def test_remote_server_down_is_reported_plainly(standin, deskmate_cli):
    standin.close()
    proc = deskmate_cli("chat", "--remote", "big", "hi", timeout=60)
    assert proc.returncode == 1
    assert "refused" in proc.stderr or "reach" in proc.stderr


def test_a_translation_answered_twice_in_the_wrong_language_exits_7_and_prints_none(standin, deskmate_cli):
    source = "The quarterly report is ready for review."
    standin.enqueue(source, source, source, source)
    proc = deskmate_cli("translate", "--to", "zh", "--remote", "big", stdin=source, timeout=60)
    assert proc.returncode == 7, proc.stderr
    assert "quarterly" not in proc.stdout
    assert "not a translation into Chinese: the model answered in English" in proc.stderr
    write = deskmate_cli("write", "translate.text", "--var", "target=zh", "--remote", "big", stdin=source, timeout=60)
    assert write.returncode == 7 and "quarterly" not in write.stdout, write.stderr
    assert "not a translation into Chinese" in write.stderr


def test_translate_streams_paragraph_by_paragraph_and_keeps_code(standin, deskmate_cli):
    doc = "# Weekly news\n\nSales grew by 12 percent in March.\n\n```\nrun(42)\n```\n\nThanks to everyone.\n"
    standin.enqueue("每周新闻", match="Weekly news")
    standin.enqueue("三月份销售额增长了百分之十二。", match="Sales grew")
    standin.enqueue("感谢大家。", match="Thanks to everyone")
    proc = deskmate_cli("translate", "--to", "zh", "--remote", "big", stdin=doc, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "# 每周新闻\n\n三月份销售额增长了百分之十二。\n\n```\nrun(42)\n```\n\n感谢大家。\n"
    assert "4 paragraphs → Chinese" in proc.stderr and "translated from English" in proc.stderr
    assert "run(42)" not in "".join(m["content"] for b in standin.chat_bodies() for m in b["messages"])
