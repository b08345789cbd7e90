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
from deskmate.core.remote import RemoteClient, RemoteEndpoint
from deskmate.core.tasks.run import Delta, Failed
from remote_standin import StandIn

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        yield s


def client_for(standin: StandIn, context: int = 8192) -> RemoteClient:
    return RemoteClient(RemoteEndpoint("standin", standin.url, standin.model, kind="openai", context=context,
                                       idle_timeout=10), None)


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


def test_a_cited_answer_lists_its_sources_best_first_and_renumbers(standin, library):
    lib, folder = library
    # The documents fit the context: the model reads them whole, numbered file by file.
    standin.enqueue("Open tray 2 and pull the sheet out slowly [2]. Remove the orange tape first [1].")
    run = AskRun(lib, "How do I clear a paper jam?", client=client_for(standin))
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
    sent = standin.chat_bodies()[-1]["messages"]
    assert "[2] (printer.pdf, p. 2)\nTo clear a paper jam" in sent[-1]["content"]
    assert "年假须提前一周申请" in sent[-1]["content"], "the whole text went in"
    assert sent[-1]["content"].endswith("Question: How do I clear a paper jam?")


def test_retrieval_when_the_documents_do_not_fit(standin, library):
    lib, _ = library
    standin.enqueue("Pull the sheet out of tray 2 [1].")
    answer = AskRun(lib, "paper jam tray", client=client_for(standin, context=700)).run()
    assert not answer.whole
    sent = standin.chat_bodies()[-1]["messages"][-1]["content"]
    assert "[1] (printer.pdf, p. 2)" in sent and "年假" not in sent, "only the relevant passage"
    assert answer.text == "Pull the sheet out of tray 2 [1]."
    assert [p.page for p in answer.sources] == [2]


def test_a_sentence_no_cited_passage_supports_is_marked(standin, library):
    lib, _ = library
    standin.enqueue("Open tray 2 and pull the sheet out [2]. The warranty lasts 5 years [2]. 发票须在三十天内提交[3]。")
    answer = AskRun(lib, "paper jam, and 发票?", client=client_for(standin)).run()
    assert [(s.text, s.supported) for s in answer.sentences] == [
        ("Open tray 2 and pull the sheet out [1].", True),
        ("The warranty lasts 5 years [1].", False),
        ("发票须在三十天内提交[2]。", True)]
    assert answer.unsupported == ["The warranty lasts 5 years [1]."]


def test_across_languages_only_the_numbers_are_checked(standin, library):
    lib, _ = library
    standin.enqueue("打开纸盒 2，慢慢把纸拉出来[2]。保修期为 5 年[2]。")
    answer = AskRun(lib, "printer paper jam 怎么办", client=client_for(standin)).run()
    assert [(s.text, s.supported) for s in answer.sentences] == [("打开纸盒 2，慢慢把纸拉出来[1]。", True),
                                                                 ("保修期为 5 年[1]。", False)]


def test_a_citation_to_the_wrong_passage_is_not_support(standin, library):
    lib, _ = library
    standin.enqueue("Open tray 2 and pull the sheet out [1].")  # [1] is the orange tape page
    answer = AskRun(lib, "printer paper jam", client=client_for(standin)).run()
    assert answer.unsupported == [answer.text]


def test_nothing_relevant_means_no_model_call_and_says_so(standin, library):
    lib, _ = library
    answer = AskRun(lib, "What is the capital of Peru?", client=client_for(standin)).run()
    assert (answer.found, answer.text, answer.sources) == (False, "Nothing relevant was found in your documents.", [])
    assert standin.chat_bodies() == []
    zh = AskRun(lib, "火星上有水吗？", client=client_for(standin)).run()
    assert zh.text == "在您的文档中没有找到相关内容。" and not zh.found


def test_the_model_saying_the_documents_do_not_say_keeps_no_sources(standin, library):
    lib, _ = library
    standin.enqueue("The documents do not say.")
    answer = AskRun(lib, "How long is the printer warranty?", client=client_for(standin)).run()
    assert (answer.found, answer.text, answer.sources) == (False, "The documents do not say.", [])


def test_an_answer_citing_nothing_lists_the_passages_it_was_given(standin, library):
    lib, _ = library
    standin.enqueue("Open tray 2 and pull the sheet out slowly.")
    answer = AskRun(lib, "paper jam", client=client_for(standin, context=700)).run()
    assert [p.page for p in answer.sources] == [2]
    assert answer.notices[-1] == "The answer cites no passage; the passages it was given are listed."
    assert answer.unsupported == []


def test_cancel_stops_the_answer_and_keeps_what_came(standin, library):
    lib, _ = library
    standin.token_delay = 0.05
    standin.enqueue(" ".join(["Open tray 2 [2]."] * 60))
    run = AskRun(lib, "paper jam", client=client_for(standin))
    seen = []
    for event in run:
        seen.append(event)
        if sum(isinstance(e, Delta) for e in seen) == 3:
            threading.Thread(target=run.cancel).start()
    assert run.result.cancelled and isinstance(seen[-1], AnswerDone)
    assert 3 <= sum(isinstance(e, Delta) for e in seen) < 100


def test_a_server_that_fails_ends_with_failed(standin, library):
    lib, _ = library
    standin.fault = "server_error"
    events = list(AskRun(lib, "paper jam", client=client_for(standin)))
    assert isinstance(events[-1], Failed)
    assert "server" in events[-1].message.lower()


def test_an_empty_question_is_refused_in_plain_words(standin, library):
    lib, _ = library
    with pytest.raises(Exception, match="The question is empty"):
        AskRun(lib, "   ", client=client_for(standin))


@pytest.mark.timeout(600)
def test_built_in_model_answers_from_the_documents(engine, library):
    """Smoke test on the real built-in model (its words are its own): it reads the passages and answers."""
    lib, folder = library
    run = AskRun(lib, "How do I clear a paper jam?", client=engine, max_tokens=48)
    events = list(run)
    assert not any(isinstance(e, Failed) for e in events), events[-1]
    answer = run.result
    assert answer.raw.strip() and answer.text.strip() and answer.first_token_seconds is not None
    assert "To clear a paper jam" in next(e for e in events if isinstance(e, SourcesFound)).passages[1].text
    assert all(p.path.parent == folder for p in answer.sources)
