"""Whole-document tasks (core/docs/jobs.py) on real files through the parser child, answered by the
scripted stand-in over the real protocol: exact action items, schedule tables, map-reduce parts,
paragraph citations and cancel. One smoke test runs the built-in model."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import doc_factory as make
import pytest
from deskmate.core.docs import Library
from deskmate.core.docs.errors import DocsError
from deskmate.core.docs.jobs import DocumentJob, JobDone
from deskmate.core.remote import RemoteClient, RemoteEndpoint
from deskmate.core.tasks.run import Delta, Failed, Progress
from remote_standin import StandIn

pytestmark = pytest.mark.timeout(300)

MINUTES = [
    ("Budget", ["Ana Lima will send the revised budget to finance by 2026-12-08."]),
    ("Launch", ["Bo Chen books the venue for the launch before 2026-12-03.",
                "Everyone reviews the launch slides."]),
]


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        yield s


def client_for(standin: StandIn, context: int = 8192) -> RemoteClient:
    return RemoteClient(RemoteEndpoint("standin", standin.url, standin.model, kind="openai", context=context,
                                       idle_timeout=10), None)


@pytest.fixture
def library(tmp_path: Path):
    with Library(tmp_path / "docs.sqlite3") as lib:
        yield lib


def test_minutes_become_action_items_and_a_schedule_sorted_by_date(standin, library, tmp_path):
    doc = make.write_docx(tmp_path / "minutes.docx", MINUTES)
    standin.enqueue({"items": [
        {"action": "Send the revised budget to finance", "owner": "Ana Lima", "due": "2026-12-08"},
        {"action": "Book the venue for the launch", "owner": "Bo Chen", "due": "2026-12-03"},
        {"action": "Review the launch slides", "owner": "Everyone", "due": ""}]})
    job = DocumentJob(library, [doc], kind="minutes", client=client_for(standin))
    events = list(job)
    assert isinstance(events[-1], JobDone)
    result = job.result
    table = result.table
    assert table.header == ["Due", "Action", "Owner", "Source"]
    assert table.rows == [
        ["2026-12-03", "Book the venue for the launch", "Bo Chen", "[2] minutes.docx, Launch"],
        ["2026-12-08", "Send the revised budget to finance", "Ana Lima", "[1] minutes.docx, Budget"],
        ["", "Review the launch slides", "Everyone", "[2] minutes.docx, Launch"]]
    assert table.columns[0].type == "date" and table.title == "Schedule"
    assert result.text == ("Action items\n\n- Book the venue for the launch — Bo Chen, 2026-12-03 [2]\n"
                           "- Send the revised budget to finance — Ana Lima, 2026-12-08 [1]\n"
                           "- Review the launch slides — Everyone [2]")
    assert [p.section for p in result.sources] == ["Budget", "Launch"]
    body = standin.chat_bodies()[0]
    assert body["response_format"]["json_schema"]["schema"]["properties"]["items"]["maxItems"] == 15
    assert "[1] (minutes.docx, Budget)\nBudget\nAna Lima will send" in body["messages"][-1]["content"]


def test_a_long_document_is_read_in_parts_then_combined_with_paragraph_citations(standin, library, tmp_path):
    pages = [f"Chapter {i}. " + " ".join(f"Section {i} explains topic{i} in detail, step {j}." for j in range(40))
             for i in range(1, 5)]
    doc = make.write_pdf(tmp_path / "manual.pdf", pages)
    client = client_for(standin, context=1800)  # parts of ~800 tokens: the 4 pages cannot go in one request
    job = DocumentJob(library, [doc], kind="summary", client=client)
    n_parts = job_parts = None
    # Script one note per part, then the final summary citing paragraphs from the first and last parts.
    from deskmate.core.docs.jobs import document_passages, parts

    passages = document_passages(library, [doc])
    groups = parts(passages, 1800 - 700 - 300)
    n_parts = len(groups)
    assert n_parts >= 3
    last = groups[-1][-1][0]
    for i in range(n_parts):
        standin.enqueue(f"- Part {i + 1} covers topic{i + 1} [{groups[i][0][0]}].")
    standin.enqueue(f"- The manual explains topic1 first [1] and ends with topic4 [{last}].")
    events = list(job)
    progress = [(e.index, e.total) for e in events if isinstance(e, Progress)]
    assert progress == [(i, n_parts + 1) for i in range(n_parts + 1)]
    result = job.result
    assert result.parts == n_parts and result.paragraphs == len(passages)
    assert result.text == "- The manual explains topic1 first [1] and ends with topic4 [2]."
    assert [p.page for p in result.sources] == [1, 4]
    assert "".join(e.text for e in events if isinstance(e, Delta)) == (
        f"- The manual explains topic1 first [1] and ends with topic4 [{last}].")
    bodies = standin.chat_bodies()
    assert len(bodies) == n_parts + 1
    final = bodies[-1]["messages"][-1]["content"]
    assert all(f"- Part {i + 1} covers topic{i + 1}" in final for i in range(n_parts)), "every part's notes"
    job_parts = [b["messages"][-1]["content"] for b in bodies[:-1]]
    assert "Chapter 1." in job_parts[0] and "Chapter 4." in job_parts[-1]


def test_a_weekly_report_from_a_folder_of_notes(standin, library, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mon.md").write_text("# Monday\nFinished the login page.\n", encoding="utf-8")
    (notes / "wed.txt").write_text("Database migration still running; blocked on disk space.\n", encoding="utf-8")
    (notes / "fri.md").write_text("# Friday\nNext week: start the payment page.\n", encoding="utf-8")
    report = ("## Done\n- Finished the login page [1].\n## Problems\n- Migration blocked on disk space [3].\n"
              "## Next week\n- Start the payment page [2].")
    standin.enqueue(report)
    result = DocumentJob(library, [notes], kind="report", client=client_for(standin)).run()
    assert result.title == "Weekly report"
    assert result.text == ("## Done\n- Finished the login page [1].\n## Problems\n- Migration blocked on disk space "
                           "[3].\n## Next week\n- Start the payment page [2].")
    assert [p.path.name for p in result.sources] == ["fri.md", "mon.md", "wed.txt"]
    sent = standin.chat_bodies()[-1]["messages"][-1]["content"]
    assert sent.startswith("Write a weekly report from these notes with the headings Done, In progress")


def test_a_table_from_a_long_document_keeps_the_first_parts_columns(standin, library, tmp_path):
    pages = ["Price list. " + " ".join(f"Filler sentence {j} about shipping." for j in range(60)) +
             " The Model A printer costs 120 dollars.",
             "More prices. " + " ".join(f"Filler sentence {j} about returns." for j in range(60)) +
             " The Model B scanner costs 90 dollars."]
    doc = make.write_pdf(tmp_path / "prices.pdf", pages)
    standin.enqueue({"columns": ["Product", "Price"], "rows": [["Model A printer", "120"]], "title": "Prices"})
    standin.enqueue({"columns": ["Product", "Price"], "rows": [["Model B scanner", "90"], ["Model A printer", "120"]],
                     "title": "x"})
    result = DocumentJob(library, [doc], kind="table", client=client_for(standin, context=1800),
                         about="every product with its price").run()
    assert result.parts == 2
    assert result.table.header == ["Product", "Price", "Source"]
    assert result.table.rows == [["Model A printer", "120", "[1] prices.pdf, p. 1"],
                                 ["Model B scanner", "90", "[2] prices.pdf, p. 2"]]
    assert result.table.title == "Prices"
    second = standin.chat_bodies()[1]["messages"][-1]["content"]
    assert "Use exactly these columns, in this order: Product, Price." in second
    assert "every product with its price" in second


def test_cancel_between_parts_stops_the_job(standin, library, tmp_path):
    pages = [" ".join(f"Page {i} sentence {j} about things." for j in range(60)) for i in range(6)]
    doc = make.write_pdf(tmp_path / "long.pdf", pages)
    job = DocumentJob(library, [doc], kind="summary", client=client_for(standin, context=1800))
    standin.enqueue(*[f"- note {i} [1]." for i in range(10)])
    seen = []
    for event in job:
        seen.append(event)
        if isinstance(event, Progress) and event.index == 1:
            threading.Thread(target=job.cancel).start()
    assert job.result.cancelled and isinstance(seen[-1], JobDone)
    assert len(standin.chat_bodies()) <= 3, "no part after the cancel is asked for"


def test_a_file_it_cannot_read_fails_in_plain_words(standin, library, tmp_path):
    broken = make.write_broken_pdf(tmp_path / "broken.pdf")
    events = list(DocumentJob(library, [broken], kind="summary", client=client_for(standin)))
    assert isinstance(events[-1], Failed) and "broken.pdf is a damaged PDF" in events[-1].message
    with pytest.raises(DocsError, match="Unknown document task"):
        DocumentJob(library, [broken], kind="poem", client=client_for(standin))
    missing = list(DocumentJob(library, [tmp_path / "nope.docx"], kind="summary", client=client_for(standin)))
    assert "does not exist" in missing[-1].message
    assert standin.chat_bodies() == []


def test_an_indexed_file_is_read_from_the_library(standin, library, tmp_path):
    doc = make.write_docx(tmp_path / "minutes.docx", MINUTES)
    library.add([doc])
    list(library.index())
    doc.unlink()  # the index holds the text: no need to parse again
    standin.enqueue("- The budget goes to finance [1].")
    result = DocumentJob(library, [doc.parent / "minutes.docx"], kind="summary", client=client_for(standin)).run()
    assert result.text == "- The budget goes to finance [1]." and result.sources[0].section == "Budget"


@pytest.mark.timeout(900)
def test_built_in_model_makes_a_schedule(engine, library, tmp_path):
    """Smoke test on the real built-in model: the schema holds it to action items, the table has its columns."""
    doc = make.write_docx(tmp_path / "minutes.docx", MINUTES)
    job = DocumentJob(library, [doc], kind="minutes", client=engine)
    events = list(job)
    assert not any(isinstance(e, Failed) for e in events), events[-1]
    assert job.result.table.header == ["Due", "Action", "Owner", "Source"]
    json.dumps(job.result.table.rows)  # plain cells
