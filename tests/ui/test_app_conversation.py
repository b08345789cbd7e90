"""The real window process: a request typed into the box and two refinements are three turns of
a conversation that survives kill -9 of the process, reopens, and exports to DOCX and PDF.

The model is the scripted stand-in over the OpenAI protocol (settings route every task to it),
so the turns' exact text can be checked in the reopened window and in the exported files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import docx
import pypdfium2
import pytest
from deskmate.core.remote import RemoteEndpoint, save_endpoint
from deskmate.core.settings import set_route
from remote_standin import StandIn

ANSWERS = ("Light that works as hard as you do, all day and all night long.",
           "Light that works as hard as you do.",
           "Illumination that matches your diligence.")
REQUESTS = ("Write a slogan for a solar desk lamp", "shorter", "more formal")

ASK = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()  # the views now (start() would build them after the first paint)
    session.start()
    win = session.window
    requests = iter(sys.argv[1:])

    def ask():
        text = next(requests, None)
        if text is None:
            print("ALL DONE", flush=True)  # then wait to be killed
            return
        box = win.request_box.input
        box.setFocus()
        QTest.keyClicks(box, text)  # real key events into the box
        QTest.qWait(300)
        QTest.keyClick(box, Qt.Key.Key_Return)

    def finished(_result):
        print("TURN", win.conversation_view.turns.count(), repr(win.output.toPlainText()), flush=True)
        QTimer.singleShot(200, ask)

    win.runner.runFinished.connect(finished)
    QTimer.singleShot(500, ask)
    app.exec()
    """
)

REOPEN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from deskmate.ui.app import DeskmateApp

    session = DeskmateApp(None)
    session.load()  # the views are built after the first paint; this probe reads them at once
    view = session.window.conversation_view
    out = {"turns": [view.turns.item(i).text() for i in range(view.turns.count())],
           "answer": session.window.output.toPlainText(), "refining": session.window.request_box.refining}
    for path in sys.argv[1:]:
        view.export_to(path)
    print(json.dumps(out))
    session.shutdown()
    """
)


@pytest.fixture
def standin():
    with StandIn(key=None) as s:
        save_endpoint(RemoteEndpoint(name="standin", base_url=s.url, model=s.model, kind="openai"))
        set_route(None, "remote")  # every task goes to the stand-in; the local engine stays idle
        yield s


def test_three_turns_survive_kill_9_reopen_and_export_to_docx_and_pdf(standin, deskmate_home, tmp_path):
    standin.enqueue(*ANSWERS)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", ASK, *REQUESTS], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    turns: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line or line.startswith("ALL DONE"):
                break
            if line.startswith("TURN"):
                turns.append(line)
        assert len(turns) == 3, (turns, proc.stderr.read() if proc.poll() is not None else "")
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flush: what is saved is saved
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert turns[-1].startswith("TURN 3 ") and repr(ANSWERS[2]) in turns[-1]

    docx_path, pdf_path = tmp_path / "slogan.docx", tmp_path / "slogan.pdf"
    out = subprocess.run([sys.executable, "-c", REOPEN, str(docx_path), str(pdf_path)], check=False,
                         capture_output=True,
                         text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert [t.split("   —")[0] for t in report["turns"]] == [f"{i}. {r}" for i, r in enumerate(REQUESTS, 1)]
    assert [t.split("\n    ", 1)[1] for t in report["turns"]] == list(ANSWERS)
    assert report["answer"] == ANSWERS[2] and report["refining"], "the last answer is back, ready to refine"

    paragraphs = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    for request, answer in zip(REQUESTS, ANSWERS):
        assert request in paragraphs and answer in paragraphs
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    first = pdf[0].get_textpage()
    heights = sorted(top - bottom for left, bottom, right, top in
                     (first.get_charbox(i) for i in range(first.count_chars())) if top - bottom > 0)
    pdf.close()
    assert heights[len(heights) // 2] >= 6, f"the body text must be readable, not {heights[len(heights) // 2]:.1f} pt"
    for request, answer in zip(REQUESTS, ANSWERS):
        assert request in text and answer in text, text
