"""The task catalog: shipped data, user task files, rendering and the creativity control."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deskmate.core.tasks import TaskInputError, load_catalog, render, sampling_for
from deskmate.core.tasks import creativity
from deskmate.core.tasks.catalog import default_catalog, user_tasks_dir
from deskmate.core.tasks.schema import OPTIONAL_BLOCK, PLACEHOLDER

CJK = re.compile(r"[\u4e00-\u9fff]")

# What the issue asks the catalog to cover, by the id a user or the CLI would type.
REQUIRED = [
    "writing.slogan", "writing.ad_copy", "writing.news_flash", "writing.press_release", "writing.email",
    "writing.weekly_report", "writing.meeting_minutes", "writing.job_posting", "writing.travel_log",
    "writing.speech", "writing.product_description", "writing.social_post",
    "outline.paper", "outline.report", "outline.presentation",
    "rewrite.shorter", "rewrite.longer", "rewrite.formal", "rewrite.friendly", "rewrite.concise", "rewrite.bullets",
    "summarize.summary", "summarize.key_points", "summarize.tldr",
    "proofread.check", "translate.text",
    "table.make", "table.extract", "table.record",
    "brainstorm.ideas", "qa.open", "code.write", "image.prompt",
]  # fmt: skip


@pytest.fixture(scope="module")
def shipped():
    catalog, errors = load_catalog(include_user=False)
    assert errors == ()
    return catalog


def sample_values(task) -> dict[str, str]:
    return {v.name: f"<<{v.name} sample>>" for v in task.variables}


def test_shipped_catalog_is_big_enough_and_bilingual(shipped) -> None:
    assert len(shipped.categories) >= 15
    assert len(shipped) >= 60
    missing = [tid for tid in REQUIRED if tid not in shipped]
    assert missing == []
    for task in shipped.tasks():
        assert task.name.complete and task.prompt.complete, task.id
        assert task.system is not None and task.system.complete, task.id
        assert task.keywords.en and task.keywords.zh, task.id
        assert all(v.label.complete for v in task.variables), task.id
        assert task.id.startswith(task.category_id + ".")
    for category in shipped.categories:
        assert category.name.complete, category.id


def test_every_task_renders_in_both_languages(shipped) -> None:
    for task in shipped.tasks():
        values = sample_values(task)
        for lang in ("en", "zh"):
            messages, sampling = render(task, values, lang=lang)
            assert [m["role"] for m in messages] == ["system", "user"], task.id
            user = messages[1]["content"]
            for value in values.values():
                assert value in user, (task.id, lang, value)
            template_left = user
            for value in values.values():
                template_left = template_left.replace(value, "")
            assert not PLACEHOLDER.search(template_left) and "[[" not in template_left, (task.id, lang)
            # The prompt is really in the language asked for. Image prompts quote a few
            # English model terms in the Chinese text, so only the Chinese side must hold CJK.
            if lang == "zh":
                assert CJK.search(template_left), task.id
                assert CJK.search(messages[0]["content"]), task.id
            else:
                assert not CJK.search(template_left + messages[0]["content"]), task.id
            assert sampling.temperature == sampling_for(task.creativity).temperature
            assert sampling.max_tokens >= 100


def test_optional_blocks_vanish_and_defaults_fill_in(shipped) -> None:
    for task in shipped.tasks():
        required = {v.name: "X" for v in task.variables if v.required and v.default is None}
        for lang in ("en", "zh"):
            user = render(task, required, lang=lang)[0][1]["content"]
            assert "[[" not in user and "]]" not in user and not PLACEHOLDER.search(user), (task.id, lang)
            assert "\n\n\n" not in user
    slogan = shipped.task("writing.slogan")
    en = render(slogan, {"product": "Moonbrew coffee"})[0][1]["content"]
    assert en.startswith("Write 5 slogans for Moonbrew coffee.")
    assert "Target audience" not in en
    with_audience = render(slogan, {"product": "Moonbrew coffee", "audience": "night owls"})[0][1]["content"]
    assert "Target audience: night owls." in with_audience
    zh = render(slogan, {"product": "月光咖啡", "count": "3"}, lang="zh")[0][1]["content"]
    assert zh.startswith("请为月光咖啡写3条宣传口号。")


def test_render_errors_name_the_variable(shipped) -> None:
    email = shipped.task("writing.email")
    with pytest.raises(TaskInputError) as missing:
        render(email, {"purpose": "Move the review to Friday"})
    # Named as the form shows them, never by the ids (writing.email, recipient).
    assert str(missing.value) == "Email needs some text in “To (name or role)”."
    assert missing.value.variable == "recipient"
    with pytest.raises(TaskInputError) as missing_zh:
        render(email, {"purpose": "改到周五"}, lang="zh")
    assert str(missing_zh.value) == "“邮件”需要在“收件人”中填写内容。"
    with pytest.raises(TaskInputError, match="To \\(name or role\\)"):
        render(email, {"recipient": "   ", "purpose": "x"})  # blank is as good as missing
    with pytest.raises(TaskInputError, match="'subject'.*it takes: recipient, purpose, tone, sender") as unknown:
        render(email, {"recipient": "Ana", "purpose": "x", "subject": "Hello"})
    assert unknown.value.variable == "subject"
    with pytest.raises(ValueError, match="between 0"):
        render(email, {"recipient": "Ana", "purpose": "x"}, creativity=1.5)
    with pytest.raises(ValueError, match="Language"):
        render(email, {"recipient": "Ana", "purpose": "x"}, lang="fr")


def test_user_text_is_inserted_verbatim(shipped) -> None:
    code = "def f(x):\n    return {x}  # [[not a block]]\n\n\n# end"
    user = render(shipped.task("code.explain"), {"code": code})[0][1]["content"]
    assert code in user


def test_json_tasks_carry_a_bounded_schema(shipped) -> None:
    record = shipped.task("table.record")
    assert record.output == "json"
    props = record.json_schema["properties"]
    assert {"name", "phone", "email", "needs"} <= set(props)
    assert props["needs"]["maxItems"] > 0 and props["name"]["maxLength"] > 0
    assert all(t.json_schema is not None for t in shipped.tasks() if t.output == "json")
    assert {t.output for t in shipped.tasks()} == {"text", "table", "diff", "json", "translation", "image-prompt"}


def test_creativity_mapping_is_monotonic() -> None:
    grid = [i / 20 for i in range(21)]
    samplings = [sampling_for(c) for c in grid]
    for field in ("temperature", "top_p", "top_k", "repeat_penalty"):
        values = [getattr(s, field) for s in samplings]
        assert values == sorted(values), field
        assert values[0] < values[-1], field
    bands = [creativity.band(c) for c in grid]
    assert bands == sorted(bands) and bands[0] == 0 and bands[-1] == 4
    assert creativity.hint(0.0) != creativity.hint(1.0)
    assert CJK.search(creativity.hint(0.0, "zh")) and not CJK.search(creativity.hint(0.0, "en"))
    for bad in (-0.1, 1.01, float("nan")):
        with pytest.raises(ValueError):
            sampling_for(bad)


def test_per_task_creativity_defaults(shipped) -> None:
    level = {tid: shipped.task(tid).creativity for tid in shipped.ids()}
    assert level["translate.text"] < level["writing.slogan"]
    assert level["proofread.check"] < level["writing.slogan"]
    assert level["translate.text"] <= 0.2 and level["proofread.check"] <= 0.2 and level["writing.slogan"] >= 0.8

    def rendered(tid: str, **kw):
        task = shipped.task(tid)
        return render(task, sample_values(task), **kw)

    (trans_msgs, trans), (slogan_msgs, slogan) = rendered("translate.text"), rendered("writing.slogan")
    assert trans.temperature < slogan.temperature and trans.repeat_penalty < slogan.repeat_penalty
    assert trans_msgs[0]["content"].endswith(creativity.hint(level["translate.text"]))
    # The caller's setting beats the task default, in sampling and in the prompt hint.
    boosted_msgs, boosted = rendered("translate.text", creativity=0.95)
    assert boosted.temperature > trans.temperature
    assert boosted_msgs[0]["content"].endswith(creativity.hint(0.95))


BAD_FILE = """
id = "writing"

[[tasks]]
id = "writing.limerick"
name = { en = "Limerick", zh = "打油诗" }
creativity = 1.7
prompt = "Write a limerick about {topic}."
variables = [ { name = "topic", label = "Topic" } ]

[[tasks]]
id = "writing.haiku"
name = { en = "Haiku", zh = "俳句" }
prompt = "Write a haiku about {topic}."
variables = [ { name = "topic", label = "Topic" } ]
"""

NEW_CATEGORY = """
id = "legal"
name = { en = "Legal", zh = "法务" }

[[tasks]]
id = "legal.nda"
name = { en = "NDA", zh = "保密协议" }
creativity = 0.1
keywords = { en = ["nda", "non-disclosure"], zh = ["保密协议"] }
variables = [
  { name = "parties", label = { en = "Parties", zh = "双方" } },
]
prompt.en = "Draft a mutual NDA between {parties}."
prompt.zh = "请起草{parties}之间的双向保密协议。"
"""


def test_bad_user_file_is_reported_and_the_rest_loads(tmp_path: Path, shipped) -> None:
    (tmp_path / "mine.toml").write_text(BAD_FILE, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('id = "x"\nname = [1', encoding="utf-8")
    catalog, errors = load_catalog(tmp_path)
    by_file = {e.file.name: e for e in errors}
    assert set(by_file) == {"mine.toml", "broken.toml"}
    bad = by_file["mine.toml"]
    assert bad.field == "tasks[writing.limerick].creativity"
    assert str(tmp_path / "mine.toml") in str(bad) and "creativity" in str(bad)
    assert "TOML" in by_file["broken.toml"].message
    # The good task in the same file loads, and nothing shipped is lost.
    assert "writing.haiku" in catalog and "writing.limerick" not in catalog
    assert set(shipped.ids()) <= set(catalog.ids())


def test_template_mistakes_name_the_variable(tmp_path: Path) -> None:
    (tmp_path / "typo.toml").write_text(
        'id = "writing"\n[[tasks]]\nid = "writing.memo"\nname = "Memo"\nprompt = "A memo about {topc}."\n'
        'variables = [ { name = "topic", label = "Topic" } ]\n',
        encoding="utf-8",
    )
    catalog, errors = load_catalog(tmp_path)
    assert len(errors) == 1 and errors[0].field == "tasks[writing.memo].prompt"
    assert "{topc}" in errors[0].message and "topic" in errors[0].message
    assert "writing.memo" not in catalog


def test_a_translation_task_without_a_target_language_is_refused_in_plain_words(tmp_path: Path) -> None:
    (tmp_path / "translate.toml").write_text(
        'id = "translate"\n[[tasks]]\nid = "translate.legal"\nname = "Legal translation"\noutput = "translation"\n'
        'prompt = "Translate this contract: {text}"\nvariables = [ { name = "text", label = "Text" } ]\n',
        encoding="utf-8",
    )
    catalog, errors = load_catalog(tmp_path)
    assert len(errors) == 1 and errors[0].field == "tasks[translate.legal].output"
    assert 'a variable named "target"' in errors[0].message
    assert "translate.legal" not in catalog


def test_user_task_file_adds_and_overrides(tmp_path: Path, shipped) -> None:
    (tmp_path / "legal.toml").write_text(NEW_CATEGORY, encoding="utf-8")
    (tmp_path / "slogan.toml").write_text(
        'id = "writing"\n[[tasks]]\nid = "writing.slogan"\nname = { en = "Short slogan", zh = "短口号" }\n'
        'creativity = 0.6\nprompt = "One slogan for {product}, three words at most."\n'
        'variables = [ { name = "product", label = { en = "Product", zh = "产品" } } ]\n',
        encoding="utf-8",
    )
    catalog, errors = load_catalog(tmp_path)
    assert errors == ()
    assert catalog.category_of("legal.nda").name.get("zh") == "法务"
    messages, sampling = render(catalog.task("legal.nda"), {"parties": "Acme and Globex"})
    assert messages[1]["content"] == "Draft a mutual NDA between Acme and Globex."
    assert sampling.temperature == sampling_for(0.1).temperature
    zh = render(catalog.task("legal.nda"), {"parties": "甲方和乙方"}, lang="zh")[0][1]["content"]
    assert zh == "请起草甲方和乙方之间的双向保密协议。"
    assert catalog.task("writing.slogan").name.get("en") == "Short slogan"
    assert len(catalog) == len(shipped) + 1
    # The user's task inherits its category's system prompt like a shipped one.
    assert catalog.task("writing.slogan").system == shipped.task("writing.email").system


def test_default_catalog_follows_the_users_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DESKMATE_HOME", str(tmp_path))
    assert user_tasks_dir() == tmp_path / "data" / "tasks"
    assert "legal.nda" not in default_catalog()
    user_tasks_dir().mkdir(parents=True)
    (user_tasks_dir() / "legal.toml").write_text(NEW_CATEGORY, encoding="utf-8")
    assert "legal.nda" in default_catalog()
    (user_tasks_dir() / "legal.toml").unlink()
    assert "legal.nda" not in default_catalog()


def test_json_task_needs_a_bounded_schema(tmp_path: Path) -> None:
    (tmp_path / "rec.toml").write_text(
        'id = "extract"\n[[tasks]]\nid = "extract.names"\nname = "Names"\noutput = "json"\n'
        'prompt = "Names in: {text}"\nvariables = [ { name = "text", label = "Text" } ]\n'
        "json_schema = '{\"type\": \"object\", "
        '"properties": {"names": {"type": "array", "items": {"type": "string"}}}}\'\n',
        encoding="utf-8",
    )
    catalog, errors = load_catalog(tmp_path)
    assert [e.field for e in errors] == ["tasks[extract.names].json_schema"]
    assert "maxItems" in errors[0].message and "maxLength" in errors[0].message
    assert "extract.names" not in catalog
