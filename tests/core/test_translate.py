"""Translation: language detection, structure kept, glossary checked, streaming on the real tiny model.

The model (SmolLM2-135M) translates badly; these tests check what the code
guarantees around it (structure, events, checks), never translation quality.
"""

from __future__ import annotations

import threading
import time

import pytest

from deskmate.core.engines.base import Sampling
from deskmate.core.tasks.langdetect import detect_language, resolve_language
from deskmate.core.tasks.translate import (
    Finished,
    ParagraphDelta,
    ParagraphDone,
    ParagraphStart,
    Translation,
    _OutputFilter,
    check_glossary,
    missing_numbers,
    parse_glossary,
    segment,
    split_paragraphs,
    translate,
)


class CountingClient:
    """The real engine, with a record of every request sent to it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.requests: list[list[dict[str, str]]] = []

    def stream(self, messages, sampling=Sampling(), schema=None):  # type: ignore[no-untyped-def]
        self.requests.append(list(messages))
        return self.inner.stream(messages, sampling, schema)  # type: ignore[attr-defined]

    def complete(self, messages, sampling=Sampling(), schema=None):  # type: ignore[no-untyped-def]
        self.requests.append(list(messages))
        return self.inner.complete(messages, sampling, schema)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- language detection


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("The quarterly report is due on Friday. Please send it to the finance team.", "en", "English"),
        ("本季度报告将于周五截止，请发送给财务团队。", "zh", "Chinese"),
        ("Le rapport trimestriel doit être envoyé vendredi à l'équipe financière.", "fr", "French"),
        ("Der Quartalsbericht ist am Freitag fällig. Bitte senden Sie ihn an das Finanzteam.", "de", "German"),
        ("四半期報告書は金曜日が締め切りです。財務チームに送ってください。", "ja", "Japanese"),
    ],
)
def test_detects_language_with_code_and_name(text: str, code: str, name: str) -> None:
    lang = detect_language(text)
    assert (lang.code, lang.name) == (code, name)
    assert 0.0 < lang.confidence <= 1.0


def test_code_and_numbers_do_not_decide_the_language() -> None:
    assert detect_language("12 345 / 67.8").code == "und"
    assert detect_language("```python\nprint('hello world, how are you')\n```").code == "und"
    french = "Bonjour à tous, la réunion est reportée à demain matin.\n\n```\nfor item in items: print(item)\n```"
    assert detect_language(french).code == "fr"


def test_target_language_from_codes_names_and_aliases() -> None:
    assert resolve_language("zh").code == "zh"
    assert resolve_language("中文").code == "zh"
    assert resolve_language("Spanish").code == "es"
    assert resolve_language("pt-BR").code == "pt"
    assert resolve_language("zh").prompt_name == "Simplified Chinese"
    with pytest.raises(ValueError, match="Klingonese"):
        resolve_language("Klingonese")


# ---------------------------------------------------------------- structure (no model)


DOC = """# Weekly report

Sales grew 12% in March.
The team hired 3 people.

- Send the sales report to Anna
  before the meeting
- [x] Book the room for Friday

```python
def total(rows):

    # a comment that must not be translated
    return sum(rows)
```

| Name | Price |
|------|-------|
| Apple | 3.50 |

12,345 / 67.8
"""


def test_paragraphs_split_and_join_back_exactly() -> None:
    doc = split_paragraphs(DOC)
    assert [p.kind for p in doc.paragraphs] == ["prose", "prose", "prose", "code", "prose", "no-text"]
    assert "\n\n    # a comment" in doc.paragraphs[3].text  # the blank line inside the fence stays inside
    assert doc.join([p.text for p in doc.paragraphs]) == DOC
    for text in ["", "\n\n", "one", "a\r\n\r\nb", "\n\na\n\n\n\nb\n", "```\nunclosed\n\nfence"]:
        d = split_paragraphs(text)
        assert d.join([p.text for p in d.paragraphs]) == text


def test_markers_are_kept_out_of_the_model_text() -> None:
    heading = segment("# Weekly report")
    assert [(p.text, p.translate) for p in heading] == [("# ", False), ("Weekly report", True)]
    items = segment("- Send the sales report to Anna\n  before the meeting\n- [x] Book the room")
    assert [p.text for p in items if p.translate] == ["Send the sales report to Anna\nbefore the meeting", "Book the room"]
    assert [p.text for p in items if not p.translate] == ["- ", "\n- [x] "]
    table = segment("| Name | Price |\n|------|-------|\n| Apple | 3.50 |")
    assert [p.text for p in table if p.translate] == ["Name", "Price", "Apple"]
    assert "3.50" in "".join(p.text for p in table if not p.translate)


def test_glossary_checker_on_fixed_strings() -> None:
    glossary = {"invoice": "发票", "Deskmate": "Deskmate", "cat": "猫"}
    source = "Send the invoice with Deskmate. The category is wrong."
    assert check_glossary(source, "用 Deskmate 发送发票。", glossary) == []
    assert check_glossary(source, "用 Deskmate 发送账单。", glossary) == [("invoice", "发票")]
    # "cat" is not a word of the source ("category" is), so it is not checked.
    assert check_glossary(source, "", glossary) == [("invoice", "发票"), ("Deskmate", "Deskmate")]
    assert check_glossary("INVOICE due", "Rechnung fällig", {"invoice": "Rechnung"}) == []


def test_glossary_file_and_number_checks() -> None:
    assert parse_glossary("# terms\ninvoice = 发票\nteam => 团队\nreport\t报告\n\n") == {
        "invoice": "发票", "team": "团队", "report": "报告",
    }
    with pytest.raises(ValueError, match="line 2"):
        parse_glossary("a = b\njust a word\n")
    assert missing_numbers("Call 555-0100 at 3:30, pay 1,200.", "3:30 打电话，付 1200。") == ["555", "0100"]


def test_streamed_answer_is_cleaned_while_it_arrives() -> None:
    # The model's notes after a blank line would add a paragraph; they are cut off.
    flt = _OutputFilter(single_line=False)
    pieces = [flt.feed(d) for d in ["\n  Bonjour", " à tous", ".\nLigne", " deux. ", "\n\nNote: I translated"]]
    assert "".join(pieces) == "Bonjour à tous.\nLigne deux." and flt.done
    assert pieces[0] == "Bonjour"  # shown at once, not held back until the end
    heading = _OutputFilter(single_line=True)
    assert heading.feed("Rapport hebdomadaire\nThis means weekly report") == "Rapport hebdomadaire" and heading.done


# ---------------------------------------------------------------- on the real model


def test_text_without_prose_never_reaches_the_model(engine: object) -> None:
    client = CountingClient(engine)
    assert translate(client, "", "zh").text == ""
    code_only = "```\nprint('hello')\n```\n\n42\n"
    result = translate(client, code_only, "zh")
    assert result.text == code_only and all(p.passthrough for p in result.paragraphs)
    assert client.requests == []

TOPICS = [
    "The office opens at nine.", "Lunch is at noon.", "The printer is broken.", "Anna leads the team.",
    "We ship on Monday.", "The budget is small.", "Call the client today.", "The report is late.",
    "Rain is expected.", "Coffee is free.", "The meeting is short.", "Sales went up.",
    "Bob fixed the bug.", "The room is booked.", "Send the invoice.", "Tickets are sold out.",
    "The train was late.", "Paris is lovely.", "Backups run nightly.",
]


def twenty_paragraphs() -> str:
    paras = TOPICS[:10] + ["2024 — 3.5%"] + TOPICS[10:]  # one paragraph with no words at all
    assert len(paras) == 20
    return "\n\n".join(paras) + "\n"


def test_twenty_paragraphs_stream_in_order_and_keep_their_count(engine: object) -> None:
    client = CountingClient(engine)
    text = twenty_paragraphs()
    job = Translation(client, text, "zh")
    assert job.source.code == "en" and job.total == 20
    events = list(job)

    starts = [e for e in events if isinstance(e, ParagraphStart)]
    dones = [e for e in events if isinstance(e, ParagraphDone)]
    deltas = [e for e in events if isinstance(e, ParagraphDelta)]
    assert [e.index for e in starts] == list(range(20))
    assert [e.index for e in dones] == list(range(20))
    # Every event belongs to the paragraph that is open: start, its deltas, done, then the next.
    current = -1
    for e in events:
        if isinstance(e, ParagraphStart):
            current = e.index
        elif isinstance(e, (ParagraphDelta, ParagraphDone)):
            assert e.index == current
    # Streamed in pieces as the model writes, not one block per paragraph.
    per_paragraph = [sum(1 for d in deltas if d.index == i) for i in range(20)]
    assert sum(n > 1 for n in per_paragraph) >= 10
    assert isinstance(events[-1], Finished)

    result = events[-1].result
    assert not result.cancelled
    assert len(split_paragraphs(result.text).paragraphs) == 20
    # What a CLI prints from the events is exactly the final text.
    streamed = "".join(e.lead if isinstance(e, ParagraphStart) else e.text for e in events if isinstance(e, (ParagraphStart, ParagraphDelta)))
    assert streamed + events[-1].trailing == result.text
    for done in dones:
        assert done.paragraph.translation.strip()
        assert "\n\n" not in done.paragraph.translation

    # The number-only paragraph is copied and never sent to the model.
    assert dones[10].paragraph.passthrough and dones[10].paragraph.translation == "2024 — 3.5%"
    assert len(client.requests) == 19
    assert not any("2024 — 3.5%" in m["content"] for r in client.requests for m in r)
    # Context: each request after the first carries the previous paragraph and its translation.
    second = client.requests[1]
    assert second[1]["content"].endswith(TOPICS[0]) and second[2]["role"] == "assistant"
    assert second[2]["content"] == dones[0].paragraph.translation


def test_markdown_structure_and_code_come_back_unchanged(engine: object) -> None:
    client = CountingClient(engine)
    result = translate(client, DOC, "fr", glossary={"sales report": "rapport de ventes", "team": "équipe"})
    source = split_paragraphs(DOC).paragraphs
    out = split_paragraphs(result.text).paragraphs
    assert len(out) == len(source)
    code = source[3].text
    assert out[3].text == code and code in result.text  # byte for byte
    assert not any("a comment that must not" in m["content"] for r in client.requests for m in r)
    assert out[0].text.startswith("# ")
    lines = out[2].text.split("\n")
    assert lines[0].startswith("- ") and any(line.startswith("- [x] ") for line in lines)
    rows = out[4].text.split("\n")
    assert len(rows) == 3 and rows[1] == "|------|-------|" and all(r.count("|") == 3 for r in rows)
    assert rows[2].endswith("| 3.50 |")
    assert out[5].text == "12,345 / 67.8"
    assert result.text.endswith("\n")

    # Glossary report matches the checker on what the model actually wrote.
    glossary = {"sales report": "rapport de ventes", "team": "équipe"}
    for para in result.paragraphs:
        assert list(para.missing_terms) == check_glossary(para.source, para.translation, glossary)
    assert result.glossary_misses == [(p.index, s, t) for p in result.paragraphs for s, t in p.missing_terms]
    # The terms were given to the model for the paragraphs that use them.
    asked = [m["content"] for r in client.requests for m in r if m["role"] == "system"]
    assert any("sales report → rapport de ventes" in s for s in asked)


def test_cancel_stops_the_translation_quickly(engine: object) -> None:
    job = Translation(engine, twenty_paragraphs(), "de")
    seen: list[object] = []
    for event in job:
        seen.append(event)
        if isinstance(event, ParagraphDelta) and event.index == 1:
            threading.Timer(0.05, job.cancel).start()
    result = job.result
    assert result is not None and result.cancelled
    assert len(result.paragraphs) < 5
    assert result.text == job.text_so_far
    # The engine is free again right away.
    start = time.monotonic()
    engine.complete([{"role": "user", "content": "Hi"}], Sampling(max_tokens=4))  # type: ignore[attr-defined]
    assert time.monotonic() - start < 10
