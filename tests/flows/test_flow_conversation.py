"""User flow: ask in your own words, refine twice, keep a turn — the real window under Xvfb with
openbox, driven by real key presses and clicks (xdotool).

The model is the scripted stand-in over the OpenAI protocol, so what the person sees can be
checked exactly; the window's state is read by tests/support/window_probe.py, the saved turns
straight from the SQLite file. Screenshots: docs/screenshots/request-box.png (the request routed)
and conversation-flow.png (three turns).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xsession
from deskmate.core.remote import RemoteEndpoint, save_endpoint
from deskmate.core.settings import set_route, set_value
from remote_standin import StandIn

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshots" / "conversation-flow.png"
ROUTED_SCREENSHOT = ROOT / "docs" / "screenshots" / "request-box.png"
ZH_SCREENSHOT = ROOT / "docs" / "screenshots" / "conversation-flow-zh.png"
PROBE = Path(__file__).resolve().parents[1] / "support" / "window_probe.py"

REQUEST = "Write a slogan for a solar desk lamp"
ANSWERS = ("Light that works as hard as you do, all day and all night long.",
           "Light that works as hard as you do.",
           "Illumination that matches your diligence.")

pytestmark = pytest.mark.skipif(bool(xsession.missing()),
                                reason=f"needs {', '.join(xsession.missing())} ({xsession.INSTALL_HINT})")


class Window:
    """The window process and what it shows (read from the probe's file)."""

    def __init__(self, proc: subprocess.Popen[bytes], state_file: Path) -> None:
        self.proc = proc
        self.state_file = state_file

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def wait_for(self, check, timeout: float = 60.0, what: str = "") -> dict:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        seen: dict = {}
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the window exited ({self.proc.returncode})"
            seen = self.state()
            if seen and check(seen):
                return seen
            time.sleep(0.15)
        raise AssertionError(f"timed out waiting for {what}; the window shows: {json.dumps(seen, indent=1)[:3000]}")


def centre(rect: list[int]) -> tuple[int, int]:
    x, y, w, h = rect
    return x + w // 2, y + h // 2


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        set_route(None, "remote")
        yield s


@pytest.fixture
def window(standin, deskmate_home, tmp_path):
    yield from _window(tmp_path)


@pytest.fixture
def window_zh(standin, deskmate_home, tmp_path):
    set_value("ui", "language", "zh")
    yield from _window(tmp_path)


def _window(tmp_path):  # type: ignore[no-untyped-def]
    with xsession.XSession(display=92) as x:
        state_file = tmp_path / "window.json"
        proc = subprocess.Popen([sys.executable, str(PROBE), str(state_file)], env=x.env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            x.activate(x.wait_window("Deskmate", timeout=120))
            yield x, Window(proc, state_file)
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_ask_refine_twice_and_keep_a_turn(window, standin, deskmate_home):
    x, win = window
    standin.enqueue(*ANSWERS)
    # The first screen puts the cursor in the request box (once the window manager activates the window).
    first = win.wait_for(lambda s: s.get("box") and s["focus"] == "Request", timeout=20,
                         what="the cursor in the request box")
    assert not first["turns_visible"]

    x.click(*centre(first["box"]))
    x.type(REQUEST)
    routed = win.wait_for(lambda s: s["box_text"] == REQUEST and s["chip"].startswith("Slogan"),
                          what="the chip to show the slogan task")
    assert routed["why"] == "Why this task: your request mentions “slogan”."
    time.sleep(0.3)
    x.screenshot(ROUTED_SCREENSHOT)
    x.key("Return")
    shown = win.wait_for(lambda s: s["output"] == ANSWERS[0] and not s["busy"] and len(s["turns"]) == 1,
                         what="the first answer")
    assert shown["task"] == "writing.slogan" and shown["fields"]["product"] == REQUEST
    assert shown["box_text"] == "" and shown["why"].startswith("Each follow-up refines the last answer")

    for n, instruction in enumerate(("shorter", "more formal"), start=2):
        x.type(instruction)
        win.wait_for(lambda s, i=instruction: s["box_text"] == i, what=f"{instruction!r} in the box")
        x.key("Return")
        shown = win.wait_for(lambda s, n=n: len(s["turns"]) == n and not s["busy"] and s["output"] == ANSWERS[n - 1],
                             what=f"turn {n}")
    assert [t.split("\n")[0].split("   —")[0] for t in shown["turns"]] == [
        f"1. {REQUEST}", "2. shorter", "3. more formal"]
    assert [t.split("\n    ", 1)[1] for t in shown["turns"]] == list(ANSWERS)

    # Click the second turn: its answer is back; Home goes to the first; Insert puts it into the draft.
    x.click(*shown["turn_centres"][1])
    win.wait_for(lambda s: s["output"] == ANSWERS[1], what="the second turn's answer after the click")
    x.key("Home")
    win.wait_for(lambda s: s["output"] == ANSWERS[0], what="the first turn's answer after Home")
    x.click(*centre(shown["insert_button"]))
    win.wait_for(lambda s: ANSWERS[0] in s["draft"], what="the turn in the draft")
    x.click(*win.state()["turn_centres"][2])
    win.wait_for(lambda s: s["output"] == ANSWERS[2], what="the last turn's answer")
    time.sleep(0.5)  # let the window repaint before the picture
    x.screenshot(SCREENSHOT)

    db = sqlite3.connect(next(deskmate_home.rglob("deskmate.sqlite3")))
    rows = db.execute("SELECT position, request, task_id, kind, text, state FROM turns ORDER BY position").fetchall()
    db.close()
    assert rows == [(1, REQUEST, "writing.slogan", "text", ANSWERS[0], "done"),
                    (2, "shorter", "writing.slogan", "text", ANSWERS[1], "done"),
                    (3, "more formal", "writing.slogan", "text", ANSWERS[2], "done")]
    asked = standin.chat_bodies()[-1]["messages"]
    assert asked[2]["content"] == ANSWERS[1] and asked[3]["content"].startswith("more formal")


def test_a_chinese_request_in_the_chinese_window_then_a_refinement(window_zh, standin, deskmate_home):
    x, win = window_zh
    standin.enqueue("We meet next Monday.", "We shall convene next Monday.")
    first = win.wait_for(lambda s: s.get("box") and s["focus"] == "Request", timeout=20,
                         what="the cursor in the request box")
    assert first["chip"] == "任务：自动"
    x.click(*centre(first["box"]))
    request = "把这段话翻译成英文：我们下周一开会。"
    x.type(request)
    routed = win.wait_for(lambda s: s["box_text"] == request and s["chip"] == "翻译" and s["fields"].get("target"),
                          what="the chip to show the translation task")
    assert routed["why"].startswith("为什么是这个任务：你的请求中提到了“翻译”")
    assert routed["fields"] == {"text": "我们下周一开会。", "target": "English", "source": ""}
    x.key("Return")
    win.wait_for(lambda s: s["output"] == "We meet next Monday." and not s["busy"], what="the translation")
    x.type("更正式一些")
    win.wait_for(lambda s: s["box_text"] == "更正式一些", what="the follow-up in the box")
    x.key("Return")
    shown = win.wait_for(lambda s: len(s["turns"]) == 2 and not s["busy"], what="the second turn")
    assert shown["output"] == "We shall convene next Monday."
    assert shown["turns"][1].startswith("2. 更正式一些   — 翻译 · 译文")
    time.sleep(0.5)
    x.screenshot(ZH_SCREENSHOT)
    db = sqlite3.connect(next(deskmate_home.rglob("deskmate.sqlite3")))
    rows = db.execute("SELECT request, kind, text FROM turns ORDER BY position").fetchall()
    db.close()
    assert rows == [("把这段话翻译成英文：我们下周一开会。", "translation", "We meet next Monday."),
                    ("更正式一些", "translation", "We shall convene next Monday.")]
