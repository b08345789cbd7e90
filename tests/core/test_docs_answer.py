"""Answers with sources (core/docs/answer.py): the scripted stand-in gives exact answers over the real
OpenAI protocol, so each test asserts the citations, the source list, the grounding marks and what
the model was sent. A real library (SQLite, the parser child) holds real files. One smoke test runs
the built-in model."""

from __future__ import annotations

import threading
from pathlib import Path

import doc_factory as make
import pytest
from deskmate.core.docs import Library
from deskmate.core.docs.answer import AnswerDone, AskRun, SourcesFound
from deskmate.core.docs.budget import FLOOR_TOKENS, Pace, model_of, passage_budget
from deskmate.core.tasks.run import Delta, Failed

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def library(tmp_path: Path):
    folder = tmp_path / "manuals"
    folder.mkdir()
    make.write_pdf(folder / "printer.pdf", ["Unpacking the printer: remove the orange tape.",
                                            "To clear a paper jam, open tray 2 and pull the sheet out slowly."])
    make.write_docx(folder / "制度.docx", [("报销", ["差旅发票须在三十天内提交给财务部。"]),
                                          ("请假", ["年假须提前一周申请。"])])
    with Library(tmp_path / "docs.sqlite3") as lib:
        lib.add([folder])
        list(lib.index())
        yield lib, folder


def test_a_cited_answer_lists_its_sources_best_first_and_renumbers(scripted, library):
    lib, folder = library
    # The documents fit the context: the model reads them whole, numbered file by file.
    scripted.enqueue("Open tray 2 and pull the sheet out slowly [2]. Remove the orange tape first [1].")
    run = AskRun(lib, "How do I clear a paper jam?", client=scripted.client())
    events = list(run)
    given = next(e for e in events if isinstance(e, SourcesFound))
    assert given.whole and [(p.path.name, p.where) for p in given.passages[:2]] == [("printer.pdf", "p. 1"),
                                                                                  ("printer.pdf", "p. 2")]
    assert "".join(e.text for e in events if isinstance(e, Delta)) == (
        "Open tray 2 and pull the sheet out slowly [2]. Remove the orange tape first [1].")
    answer = run.result
    assert isinstance(events[-1], AnswerDone) and events[-1].answer is answer
    # p. 2 matched the question's words, so it is the best source and becomes [1].
    assert answer.text == "Open tray 2 and pull the sheet out slowly [1]. Remove the orange tape first [2]."
    assert [(p.path, p.page, p.text) for p in answer.sources] == [
        (folder / "printer.pdf", 2, "To clear a paper jam, open tray 2 and pull the sheet out slowly."),
        (folder / "printer.pdf", 1, "Unpacking the printer: remove the orange tape.")]
    assert answer.found and answer.whole and answer.unsupported == []
    sent = scripted.chat_bodies()[-1]["messages"]
    assert "[2] (printer.pdf, p. 2)\nTo clear a paper jam" in sent[-1]["content"]
    assert "年假须提前一周申请" in sent[-1]["content"], "the whole text went in"
    assert sent[-1]["content"].endswith("Question: How do I clear a paper jam?")


def test_retrieval_when_the_documents_do_not_fit(scripted, library):
    lib, _ = library
    scripted.enqueue("Pull the sheet out of tray 2 [1].")
    answer = AskRun(lib, "paper jam tray", client=scripted.client(context=540)).run()
    assert not answer.whole
    sent = scripted.chat_bodies()[-1]["messages"][-1]["content"]
    assert "[1] (printer.pdf, p. 2)" in sent and "年假" not in sent, "only the relevant passage"
    assert answer.text == "Pull the sheet out of tray 2 [1]."
    assert [p.page for p in answer.sources] == [2]


def test_a_sentence_no_cited_passage_supports_is_marked(scripted, library):
    lib, _ = library
    scripted.enqueue("Open tray 2 and pull the sheet out [2]. The warranty lasts 5 years [2]. 发票须在三十天内提交[3]。")
    answer = AskRun(lib, "paper jam, and 发票?", client=scripted.client()).run()
    assert [(s.text, s.supported) for s in answer.sentences] == [
        ("Open tray 2 and pull the sheet out [1].", True),
        ("The warranty lasts 5 years [1].", False),
        ("发票须在三十天内提交[2]。", True)]
    assert answer.unsupported == ["The warranty lasts 5 years [1]."]


def test_across_languages_only_the_numbers_are_checked(scripted, library):
    lib, _ = library
    scripted.enqueue("打开纸盒 2，慢慢把纸拉出来[2]。保修期为 5 年[2]。")
    answer = AskRun(lib, "printer paper jam 怎么办", client=scripted.client()).run()
    assert [(s.text, s.supported) for s in answer.sentences] == [("打开纸盒 2，慢慢把纸拉出来[1]。", True),
                                                                 ("保修期为 5 年[1]。", False)]


def test_a_citation_to_the_wrong_passage_is_not_support(scripted, library):
    lib, _ = library
    scripted.enqueue("Open tray 2 and pull the sheet out [1].")  # [1] is the orange tape page
    answer = AskRun(lib, "printer paper jam", client=scripted.client()).run()
    assert answer.unsupported == [answer.text]


def test_nothing_relevant_means_no_model_call_and_says_so(scripted, library):
    lib, _ = library
    answer = AskRun(lib, "What is the capital of Peru?", client=scripted.client()).run()
    assert (answer.found, answer.text, answer.sources) == (False, "Nothing relevant was found in your documents.", [])
    assert scripted.chat_bodies() == []
    zh = AskRun(lib, "火星上有水吗？", client=scripted.client()).run()
    assert zh.text == "在您的文档中没有找到相关内容。" and not zh.found


def test_an_empty_library_says_so_and_how_to_fill_it_without_a_model_call(scripted, tmp_path):
    with Library(tmp_path / "empty.sqlite3") as lib:
        answer = AskRun(lib, "How do I clear a paper jam?", client=scripted.client()).run()
        assert (answer.empty, answer.found, answer.sources) == (True, False, [])
        assert answer.text == "Your library is empty: add files or folders to it, then ask again."
        assert AskRun(lib, "发票怎么交？", client=scripted.client()).run().text == "您的文档库是空的：请先添加文件或文件夹，然后再提问。"
        broken = make.write_broken_pdf(tmp_path / "broken.pdf")
        lib.add([broken])
        list(lib.index())
        answer = AskRun(lib, "How do I clear a paper jam?", client=scripted.client()).run()
        assert answer.empty and answer.text.startswith("None of the files in your library can be searched yet")
    assert scripted.chat_bodies() == []


def test_the_model_saying_the_documents_do_not_say_keeps_no_sources(scripted, library):
    lib, _ = library
    scripted.enqueue("The documents do not say.")
    answer = AskRun(lib, "How long is the printer warranty?", client=scripted.client()).run()
    assert (answer.found, answer.text, answer.sources) == (False, "The documents do not say.", [])


def test_an_answer_citing_nothing_lists_the_passages_it_was_given(scripted, library):
    lib, _ = library
    scripted.enqueue("Open tray 2 and pull the sheet out slowly.")
    answer = AskRun(lib, "paper jam", client=scripted.client(context=540)).run()
    assert [p.page for p in answer.sources] == [2]
    assert answer.notices[-1] == "The answer cites no passage; the passages it was given are listed."
    assert answer.unsupported == []


def test_cancel_stops_the_answer_and_keeps_what_came(scripted, library):
    lib, _ = library
    scripted.token_delay = 0.05
    scripted.enqueue(" ".join(["Open tray 2 [2]."] * 60))
    run = AskRun(lib, "paper jam", client=scripted.client())
    seen = []
    for event in run:
        seen.append(event)
        if sum(isinstance(e, Delta) for e in seen) == 3:
            threading.Thread(target=run.cancel).start()
    assert run.result.cancelled and isinstance(seen[-1], AnswerDone)
    assert 3 <= sum(isinstance(e, Delta) for e in seen) < 100


def test_a_server_that_fails_ends_with_failed(scripted, library):
    lib, _ = library
    scripted.fault = "server_error"
    events = list(AskRun(lib, "paper jam", client=scripted.client()))
    assert isinstance(events[-1], Failed)
    assert "server" in events[-1].message.lower()


def test_an_empty_question_is_refused_in_plain_words(scripted, library):
    lib, _ = library
    with pytest.raises(Exception, match="The question is empty"):
        AskRun(lib, "   ", client=scripted.client())


@pytest.mark.timeout(600)
def test_built_in_model_answers_from_the_documents(engine, library):
    """Smoke test on the real built-in model (its words are its own): it reads the passages and answers."""
    lib, folder = library
    run = AskRun(lib, "How do I clear a paper jam?", client=engine, max_tokens=48)
    events = list(run)
    assert not any(isinstance(e, Failed) for e in events), events[-1]
    answer = run.result
    assert answer.raw.strip() and answer.text.strip() and answer.first_token_seconds is not None
    # Read at the pace this machine prefills the built-in model: the best passage, at least.
    given = next(e for e in events if isinstance(e, SourcesFound)).passages
    assert "To clear a paper jam" in given[0 if not answer.whole else 1].text
    assert all(p.path.parent == folder for p in answer.sources)


MANUAL = """# Paper jams

The printer has two trays. Tray 1 holds plain paper for everyday printing. Tray 2 holds envelopes and labels.
When the display shows error E4, a sheet is stuck in tray 2: open tray 2 and pull the sheet out slowly with both
hands. Close the tray until it clicks. Never use a knife or scissors inside the printer, since the warranty does
not cover damage from sharp tools.

If the sheet tears, open the rear cover as well and look for the torn piece behind the rollers; a scrap left inside
causes the next jam within a few pages. Turn the printer off and on again after you close the covers, so that it
checks the paper path once more. A jam that comes back every day usually means the rollers are worn: the service
centre replaces them in one visit, and the printer's log, printed from the Settings menu, shows how many pages they
have fed. Labels must be fed one sheet at a time, since a sheet with missing labels sticks to the rollers and has to
be removed by the service centre. Envelopes with windows, clasps or self-adhesive strips are not supported at all.

# Toner

Replace the toner cartridge when the display shows error E7. Shake the new cartridge five times before you put it
in, and keep the old one in its bag for recycling.

# Network

The printer joins a Wi-Fi network from the Settings menu. Choose the network, type its password and wait for the
blue light.

# Cleaning

Wipe the glass of the scanner with a soft dry cloth once a month. Do not spray water or cleaner on the glass: wet the
cloth lightly instead, and dry the glass before you close the lid. Dust inside the printer comes out with a small
brush; never blow into the printer, because the moisture of your breath damages the drum.

# Energy saving

After ten minutes without a job the printer goes to sleep and the display turns dark. Any button wakes it, and so
does a job sent from a computer. The sleep time can be changed from the Settings menu, between one minute and four
hours; a longer time uses more power but the first page comes out sooner.

# Paper

Use paper between 60 and 120 grams per square metre in tray 1. Thicker paper, photo paper and card go through the
manual slot at the back, one sheet at a time, with the printing side up. Keep opened paper in its wrapper so that it
stays flat and dry, since damp or curled paper is the most common cause of a jam in tray 1.
"""


@pytest.fixture
def manual(tmp_path: Path):
    path = tmp_path / "manual.md"
    path.write_text(MANUAL, encoding="utf-8")
    with Library(tmp_path / "manual.sqlite3") as lib:
        lib.add([path])
        list(lib.index())
        yield lib, path


def test_a_slow_model_still_gets_the_best_passages_whole_not_a_snippet(scripted, manual):
    lib, path = manual
    client = scripted.client()
    # 40 prompt tokens/s: three seconds would hold about 75 tokens of passages, too little to hold
    # the answer; the pace trims only above the floor, which holds every matching passage here.
    pace = Pace({f"{model_of(client)[0]}|en": 40.0})
    scripted.enqueue("Open tray 2 and pull the sheet out slowly [1].")
    run = AskRun(lib, "How do I clear a paper jam in tray 2?", client=client, pace=pace, whole=False)
    assert run.pace_key == f"{model_of(client)[0]}|en"
    events = iter(run)
    first = next(e for e in events if isinstance(e, SourcesFound))
    assert scripted.chat_bodies() == [], "the sources come before the model is asked"
    rest = list(events)
    assert isinstance(rest[-1], AnswerDone) and not rest[-1].answer.whole
    ranked = lib.search("How do I clear a paper jam in tray 2?").passages
    assert [p.section for p in ranked] == ["Paper jams", "Paper", "Paper jams"]
    assert [p.text for p in first.passages] == [p.text for p in ranked], "all three, whole"
    sent = scripted.chat_bodies()[-1]["messages"]
    assert sent[-1]["content"] == "Passages:\n\n" + "".join(
        f"[{i}] (manual.md, {p.where})\n{p.text}\n\n" for i, p in enumerate(ranked, 1)
    ) + "Question: How do I clear a paper jam in tray 2?"
    assert [p.text for p in run.result.sources] == [ranked[0].text]
    # The stand-in answered at once: the pace goes up, but one quick answer no more than doubles it.
    assert pace.rate(run.pace_key) == 80.0


def test_a_small_context_gets_the_best_sentences_of_the_best_passage_cut_between_words(scripted, manual):
    lib, path = manual
    client = scripted.client(context=700)  # room for about 200 tokens of passages beside the instructions
    scripted.enqueue("Open tray 2 and pull the sheet out slowly [1].")
    run = AskRun(lib, "How do I clear a paper jam in tray 2?", client=client, pace=Pace())
    events = list(run)
    given, other = next(e for e in events if isinstance(e, SourcesFound)).passages
    answer = run.result
    assert (given.section, other.section) == ("Paper jams", "Paper")
    whole = lib.file_text(path)[0].text
    assert given.text in whole and len(given.text) < len(whole)
    assert "pull the sheet out slowly" in given.text and "Toner" not in given.text
    start = whole.index(given.text)
    assert (given.start, given.end) == (lib.file_text(path)[0].start + start, lib.file_text(path)[0].start + start
                                        + len(given.text)), "its true place in the document"
    assert start == 0 or whole[start - 1] in " \n", "not cut mid-word"
    end = start + len(given.text)
    assert end == len(whole) or whole[end] in " \n"
    assert other.text in {p.text for p in lib.file_text(path)}, "the short one whole"
    sent = scripted.chat_bodies()[0]["messages"]
    assert sent[-1]["content"] == (
        f"Passages:\n\n[1] (manual.md, {given.where})\n{given.text}\n\n[2] (manual.md, {other.where})\n{other.text}\n\n"
        "Question: How do I clear a paper jam in tray 2?")
    assert answer.sources == [given]


def test_a_faster_model_gets_more_passages_and_the_instructions_never_change(scripted, manual):
    lib, _path = manual
    client = scripted.client()
    # 400 tokens/s: room for every matching passage, whole.
    pace = Pace({f"{model_of(client)[0]}|en": 400.0, f"{model_of(client)[0]}|zh": 400.0})
    scripted.enqueue("Shake the new cartridge five times [1].", "等蓝灯亮起[1]。")
    en = AskRun(lib, "printer tray toner cartridge error", client=client, pace=pace, whole=False).run()
    sent = scripted.chat_bodies()[-1]["messages"]
    ranked = lib.search("printer tray toner cartridge error").passages
    assert [p.section for p in ranked] == ["Toner", "Paper jams", "Paper", "Cleaning", "Network"]
    assert sent[-1]["content"] == "Passages:\n\n" + "".join(
        f"[{i}] (manual.md, {p.where})\n{p.text}\n\n" for i, p in enumerate(ranked, 1)
    ) + "Question: printer tray toner cartridge error"
    assert [p.section for p in en.sources] == ["Toner"] and en.text == "Shake the new cartridge five times [1]."
    zh = AskRun(lib, "printer Wi-Fi network 怎么连接？", client=client, pace=pace, whole=False).run()
    sent_zh = scripted.chat_bodies()[-1]["messages"]
    assert sent_zh[0] == sent[0], "one system prompt: the engine's prefix cache keeps it"
    assert sent_zh[0]["content"].endswith("reply only: The documents do not say. (to a question in Chinese: 文档中没有相关内容。)")
    assert sent_zh[-1]["content"].startswith("Passages:\n\n[1] (manual.md, ")
    assert sent_zh[-1]["content"].endswith("\n\n问题： printer Wi-Fi network 怎么连接？")
    assert zh.found and zh.text == "等蓝灯亮起[1]。"


def test_a_fast_model_on_a_busy_machine_keeps_to_the_time_and_a_slow_one_reads_the_floor(scripted):
    client = scripted.client()
    key = f"{model_of(client)[0]}|en"
    question = "How do I clear a paper jam in tray 2?"
    pace = Pace({key: 100.0})  # the built-in model on idle cores: ~100 passage tokens/s
    pace.observe(key, 40, 1.0)  # then a busy machine: 40 tokens/s, so the pace falls to 70
    assert (pace.rate(key), pace.best(key)) == (70.0, 100.0)
    busy = passage_budget(client, question, 256, "Answer from the passages.", pace, key)
    assert 150 < busy < 200, "what 70 tokens/s reads in three seconds, not the slow model's 600"
    slow = Pace({key: 30.0})  # a 7B-class model on two cores never reads a passage in three seconds
    assert passage_budget(client, question, 256, "Answer from the passages.", slow, key) == FLOOR_TOKENS


def test_a_chinese_question_is_first_paced_at_half_the_english_pace():
    pace = Pace({"local:m.gguf|en": 80.0})
    assert (pace.rate("local:m.gguf|zh"), pace.rate("local:other.gguf|zh")) == (40.0, None)
    pace.observe("local:m.gguf|zh", 30, 1.0)  # measured: 30 tokens/s, below the 40 it started from
    assert pace.rate("local:m.gguf|zh") == 35.0


def test_either_languages_no_answer_means_not_found(scripted, library):
    lib, _ = library
    scripted.enqueue("The documents do not say.")
    answer = AskRun(lib, "打印机卡纸 paper jam 怎么办", client=scripted.client()).run()
    assert (answer.found, answer.text, answer.sources) == (False, "文档中没有相关内容。", [])
