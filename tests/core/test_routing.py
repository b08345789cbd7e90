"""Routing a free-form request to a catalog task: keywords first, then the real tiny model."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from deskmate.core.engines.openai_client import Endpoint, OpenAIClient
from deskmate.core.remote import RemoteClient, RemoteEndpoint
from deskmate.core.tasks import UnknownTaskError, load_catalog, route
from deskmate.core.tasks.routing import CONFIDENT, DEFAULT_TASK, keyword_scores
from remote_standin import StandIn


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(include_user=False).catalog


KEYWORD_CASES = [
    ("Write a slogan for our new coffee brand", "writing.slogan"),
    ("Draft a press release about our Series A funding", "writing.press_release"),
    ("Help me write my weekly report", "writing.weekly_report"),
    ("Turn these meeting notes into minutes with action items", "writing.meeting_minutes"),
    ("We're hiring a data analyst, write the job posting", "writing.job_posting"),
    ("Make this paragraph more formal", "rewrite.formal"),
    ("Can you shorten this intro?", "rewrite.shorter"),
    ("Summarise this report for me", "summarize.summary"),
    ("tl;dr this thread please", "summarize.tldr"),
    ("Proofread my cover letter", "proofread.check"),
    ("Translate this email into Chinese", "translate.text"),
    ("Extract a table from this text", "table.extract"),
    ("Outline a presentation on Q3 results", "outline.presentation"),
    ("Write an Excel formula to sum sales by region", "code.formula"),
    ("Write a SQL query for our top customers", "code.sql"),
    ("Give me a picture of a cat astronaut", "image.prompt"),
    ("给新产品想几个口号", "writing.slogan"),
    ("帮我写一份周报", "writing.weekly_report"),
    ("把这封邮件翻译成英文", "translate.text"),
    ("帮我润色一下这段话", "proofread.polish"),
    ("检查这段文字有没有错别字", "proofread.check"),
    ("总结一下这篇文章", "summarize.summary"),
    ("把这段话改得简洁一点", "rewrite.concise"),
    ("提取这段对话里的客户信息", "table.record"),
    ("帮我写个招聘启事", "writing.job_posting"),
    ("帮我起草一份会议纪要", "writing.meeting_minutes"),
    ("做一个论文提纲", "outline.paper"),
    ("写一条朋友圈文案", "writing.social_post"),
    ("给客户写封道歉信", "reply.apology"),
]


@pytest.mark.parametrize(("request_text", "expected"), KEYWORD_CASES)
def test_keyword_routing(catalog, request_text: str, expected: str) -> None:
    result = route(request_text, catalog=catalog)
    assert result.task_id == expected
    assert result.method == "keyword"
    # Confident enough that a configured model would not be asked.
    assert result.confidence >= CONFIDENT
    assert result.category == expected.split(".")[0]
    assert expected not in result.alternatives


def test_longer_phrase_beats_a_word_inside_it(catalog) -> None:
    # "weekly report" must not also count as "report" (the report outline).
    scores = dict(keyword_scores("write the weekly report", catalog))
    assert "outline.report" not in scores
    assert dict(keyword_scores("outline the annual report", catalog))["outline.report"] > 0


def test_full_width_and_case_do_not_matter(catalog) -> None:
    assert route("ＷＲＩＴＥ Ａ ＳＬＯＧＡＮ！", catalog=catalog).task_id == "writing.slogan"
    assert route("PROOFREADING needed", catalog=catalog).task_id == "proofread.check"


def test_no_match_without_a_model_gives_the_default(catalog) -> None:
    result = route("hello there", catalog=catalog)
    assert (result.task_id, result.method, result.confidence) == (DEFAULT_TASK, "default", 0.0)
    assert result.task_id in catalog


def test_override_and_plain_ids(catalog) -> None:
    forced = route("Write a slogan", catalog=catalog, override="writing.email")
    assert (forced.task_id, forced.method, forced.category) == ("writing.email", "override", "writing")
    assert route("  summarize.tldr ", catalog=catalog).method == "override"
    with pytest.raises(UnknownTaskError, match="writing.slogan"):
        route("anything", catalog=catalog, override="writing.slogn")


def test_user_tasks_are_routed_by_their_keywords(tmp_path: Path) -> None:
    (tmp_path / "legal.toml").write_text(
        'id = "legal"\nname = { en = "Legal", zh = "法务" }\n[[tasks]]\nid = "legal.nda"\nname = "NDA"\n'
        'keywords = { en = ["nda", "non-disclosure"], zh = ["保密协议"] }\n'
        'prompt = "Draft an NDA between {parties}."\nvariables = [ { name = "parties", label = "Parties" } ]\n',
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path).catalog
    assert route("We need an NDA with Globex", catalog=catalog).task_id == "legal.nda"
    assert route("帮我起草一份保密协议", catalog=catalog).task_id == "legal.nda"


def test_unreachable_model_falls_back_safely(catalog) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = OpenAIClient(Endpoint(f"http://127.0.0.1:{port}/v1", connect_timeout=2.0))
    vague = route("hello there", client=client, catalog=catalog)
    assert (vague.task_id, vague.method) == (DEFAULT_TASK, "default")
    assert "failed" in vague.note
    torn = route("Brainstorm ideas for team building", client=client, catalog=catalog)
    assert torn.method == "keyword" and torn.task_id in ("brainstorm.ideas", "brainstorm.event")


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        yield s


def standin_client(s: StandIn) -> RemoteClient:
    return RemoteClient(RemoteEndpoint("standin", s.url, s.model, kind="openai"), None)


def test_a_vague_request_goes_to_the_task_the_model_names(standin, catalog) -> None:
    standin.enqueue({"task": "writing.email"})
    result = route("something for my boss by tomorrow", client=standin_client(standin), catalog=catalog)
    assert (result.task_id, result.method, result.category, result.confidence) == ("writing.email", "model",
                                                                                    "writing", 0.5)
    body = standin.chat_bodies()[-1]
    offered = body["response_format"]["json_schema"]["schema"]["properties"]["task"]["enum"]
    assert offered == catalog.ids(), "with no keyword hit the model chooses among every task"
    assert "Request: something for my boss by tomorrow" in body["messages"][-1]["content"]
    assert "- writing.email: " in body["messages"][-1]["content"]


def test_the_model_breaks_a_keyword_tie_within_the_shortlist(standin, catalog) -> None:
    request = "Brainstorm ideas for team building"
    shortlist = [tid for tid, _ in keyword_scores(request, catalog)][:5]
    standin.enqueue({"task": shortlist[1]})
    result = route(request, client=standin_client(standin), catalog=catalog)
    assert (result.task_id, result.method) == (shortlist[1], "model")
    assert shortlist[0] in result.alternatives and shortlist[1] not in result.alternatives
    offered = standin.chat_bodies()[-1]["response_format"]["json_schema"]["schema"]["properties"]["task"]["enum"]
    assert offered == shortlist


def test_a_confident_keyword_match_never_asks_the_model(standin, catalog) -> None:
    result = route("Proofread my cover letter", client=standin_client(standin), catalog=catalog)
    assert (result.task_id, result.method) == ("proofread.check", "keyword")
    assert standin.chat_bodies() == []


def test_a_model_pick_outside_the_choices_falls_back_with_a_note(standin, catalog) -> None:
    standin.ignore_schema = True  # a server that ignores the enum
    standin.enqueue({"task": "writing.sonnet"})
    result = route("Brainstorm ideas for team building", client=standin_client(standin), catalog=catalog)
    assert result.method == "keyword" and result.task_id == keyword_scores(
        "Brainstorm ideas for team building", catalog)[0][0]
    assert "writing.sonnet" in result.note and "not among the choices" in result.note


VAGUE = [
    "hello there",
    "can you help me with something",
    "I need a hand with this",
    "something for my boss by tomorrow",
    "make it better",
    "what's up",
    "我需要一些帮助",
    "帮我弄一下",
    "随便来点",
    "老板让我搞定这个",
]


def test_model_routing_on_the_real_model(engine, catalog) -> None:
    """Smoke test: the real tiny model, held by the grammar, names real tasks for vague requests."""
    for request in VAGUE:
        assert keyword_scores(request, catalog) == [], request  # so the model really decides
        result = route(request, client=engine, catalog=catalog)
        assert result.method == "model", (request, result.note)
        assert result.task_id in catalog
        assert result.category == catalog.task(result.task_id).category_id
    # Nothing to route: no need to wake the model.
    assert route("   ", client=engine, catalog=catalog).method == "default"
