"""User flow: ask in your own words, refine twice, keep a turn — the real window under Xvfb with
openbox, driven by real key presses and clicks (xdotool; Chinese pasted with a real Ctrl+V).

The model is the scripted stand-in over the OpenAI protocol, so what the person sees can be
checked exactly; the window's state is read through the flows' probe (``conversation()`` in
tests/flows/app_probe.py), the saved turns straight from the SQLite file. Screenshots:
docs/screenshots/request-box.png (the request routed), conversation-flow.png (three turns) and
conversation-flow-zh.png (the Chinese window).
"""

from __future__ import annotations

import pytest
from deskmate.core.remote import RemoteEndpoint, save_endpoint
from deskmate.core.settings import set_route, set_value
from remote_standin import StandIn

REQUEST = "Write a slogan for a solar desk lamp"
ANSWERS = ("Light that works as hard as you do, all day and all night long.",
           "Light that works as hard as you do.",
           "Illumination that matches your diligence.")
SHOWN = "conversation()"
TURNS = "w.conversation_view.turns"


@pytest.fixture
def standin(deskmate_home):
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        set_route(None, "remote")
        yield s


def first_screen(win):  # type: ignore[no-untyped-def]
    """The first screen puts the cursor in the request box (once the window manager activates the window)."""
    return win.wait_for(SHOWN, timeout=20, check=lambda s: s["focus"] == "Request", what="the cursor in the request box")


def test_ask_refine_twice_and_keep_a_turn(deskmate_window, standin):
    win = deskmate_window()
    standin.enqueue(*ANSWERS)
    assert not first_screen(win)["turns_visible"]

    win.click("w.request_box.input")
    win.type(REQUEST)
    routed = win.wait_for(SHOWN, check=lambda s: s["box_text"] == REQUEST and s["chip"].startswith("Slogan"),
                          what="the chip showing the slogan task")
    assert routed["why"] == "Why this task: your request mentions “slogan”."
    win.screenshot("request-box")
    win.key("Return")
    shown = win.wait_for(SHOWN, timeout=60, check=lambda s: s["output"] == ANSWERS[0] and not s["busy"]
                         and len(s["turns"]) == 1, what="the first answer")
    assert shown["task"] == "writing.slogan" and shown["fields"]["product"] == "a solar desk lamp"
    assert shown["box_text"] == "" and shown["why"].startswith("Each follow-up refines the last answer")

    for n, instruction in enumerate(("shorter", "more formal"), start=2):
        win.type(instruction)
        win.wait_for(SHOWN, check=lambda s, i=instruction: s["box_text"] == i, what=f"{instruction!r} in the box")
        win.key("Return")
        shown = win.wait_for(SHOWN, timeout=60, check=lambda s, n=n: len(s["turns"]) == n and not s["busy"]
                             and s["output"] == ANSWERS[n - 1], what=f"turn {n}")
    assert [t.split("\n")[0].split("   —")[0] for t in shown["turns"]] == [
        f"1. {REQUEST}", "2. shorter", "3. more formal"]
    assert [t.split("\n    ", 1)[1] for t in shown["turns"]] == list(ANSWERS)

    # Click the second turn: its answer is back; Home goes to the first; Insert puts it into the draft.
    win.click_row(TURNS, 1)
    win.wait_for(SHOWN, check=lambda s: s["output"] == ANSWERS[1], what="the second turn's answer after the click")
    win.key("Home")
    win.wait_for(SHOWN, check=lambda s: s["output"] == ANSWERS[0], what="the first turn's answer after Home")
    win.click("w.conversation_view.insert_button")
    win.wait_for(SHOWN, check=lambda s: ANSWERS[0] in s["draft"], what="the turn in the draft")
    win.click_row(TURNS, 2)
    win.wait_for(SHOWN, check=lambda s: s["output"] == ANSWERS[2], what="the last turn's answer")
    win.screenshot("conversation-flow")

    assert win.query("SELECT position, request, task_id, kind, text, state FROM turns ORDER BY position") == [
        (1, REQUEST, "writing.slogan", "text", ANSWERS[0], "done"),
        (2, "shorter", "writing.slogan", "text", ANSWERS[1], "done"),
        (3, "more formal", "writing.slogan", "text", ANSWERS[2], "done")]
    asked = standin.chat_bodies()[-1]["messages"]
    assert asked[2]["content"] == ANSWERS[1] and asked[3]["content"].startswith("more formal")


def test_a_chinese_request_in_the_chinese_window_then_a_refinement(deskmate_window, standin):
    set_value("ui", "language", "zh")
    win = deskmate_window()
    standin.enqueue("We meet next Monday.", "We shall convene next Monday.")
    assert first_screen(win)["chip"] == "任务：自动"
    win.click("w.request_box.input")
    request = "把这段话翻译成英文：我们下周一开会。"
    win.type(request)
    routed = win.wait_for(SHOWN, check=lambda s: s["box_text"] == request and s["chip"] == "翻译"
                          and s["fields"].get("target"), what="the chip showing the translation task")
    assert routed["why"].startswith("为什么是这个任务：你的请求中提到了“翻译”")
    assert routed["fields"] == {"text": "我们下周一开会。", "target": "English", "source": ""}
    win.key("Return")
    win.wait_for(SHOWN, timeout=60, check=lambda s: s["output"] == "We meet next Monday." and not s["busy"],
                 what="the translation")
    win.type("更正式一些")
    win.wait_for(SHOWN, check=lambda s: s["box_text"] == "更正式一些", what="the follow-up in the box")
    win.key("Return")
    shown = win.wait_for(SHOWN, timeout=60, check=lambda s: len(s["turns"]) == 2 and not s["busy"],
                         what="the second turn")
    assert shown["output"] == "We shall convene next Monday."
    assert shown["turns"][1].startswith("2. 更正式一些   — 翻译 · 译文")
    win.screenshot("conversation-flow-zh")
    assert win.query("SELECT request, kind, text FROM turns ORDER BY position") == [
        ("把这段话翻译成英文：我们下周一开会。", "translation", "We meet next Monday."),
        ("更正式一些", "translation", "We shall convene next Monday.")]
