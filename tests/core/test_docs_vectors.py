"""The vector leg on the real embedding engine (all-MiniLM-L6-v2 GGUF in its child process).

MiniLM is English-only, so these tests ask in English, and one shows that a Chinese question
is then searched by keyword alone; Chinese retrieval by keyword is covered in test_docs_library.py.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from deskmate.core.docs import Library
from deskmate.core.docs.embedding import ModelEmbedder, model_languages
from embedding_factory import build_minilm_gguf

pytestmark = pytest.mark.timeout(300)

NOTES = {
    "finance.txt": "Quarterly revenue increased by ten percent compared with last year.",
    "pets.txt": "The cat slept on the warm windowsill all afternoon.",
    "travel.txt": "Book train tickets two weeks before the conference in Lyon.",
}


@pytest.fixture(scope="module")
def embedder(embedding_model: Path):
    e = ModelEmbedder(embedding_model, threads=2)
    yield e
    e.close()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _index(library: Library):
    run = library.index()
    events = list(run)
    return run.result(), events


def test_meaning_finds_a_passage_that_shares_no_word_with_the_question(tmp_path, embedder):
    with Library(tmp_path / "docs.sqlite3", embedder=embedder) as library:
        library.add([_folder(tmp_path)])
        summary, events = _index(library)
        assert summary.embedded == 3
        assert [e.stage for e in events if e.kind == "stage"] == ["read", "embed"]
        assert [(c.embedding_model, c.ready, c.keyword) for c in library.collections()] == [(embedder.name, 3, 0)]
        # No word of the question is in any note: only the vector leg can find it.
        found = library.search("How much did the company's earnings grow?", k=1)
        assert [p.path.name for p in found.passages] == ["finance.txt"]
        assert library.search("a sleepy kitten", k=1).passages[0].path.name == "pets.txt"


CHINESE_NOTES = {
    "代理.txt": "在 /etc/apt/apt.conf 中设置 Acquire::http::Proxy 就可以配置代理服务器。",
    "天气.txt": "明天下午有雨，出门记得带伞。",
    "会议.txt": "周五上午十点在三楼开部门例会。",
}


def test_a_chinese_question_is_searched_by_keyword_when_the_model_reads_only_english(tmp_path, embedder):
    folder = _folder(tmp_path)
    for name, text in CHINESE_NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert embedder.languages == frozenset({"en"})  # from the file's general.languages
    with Library(tmp_path / "docs.sqlite3", embedder=embedder) as library:
        library.add([folder])
        summary, events = _index(library)
        # Every file is done, but only the English notes have vectors: MiniLM's for Chinese would be noise.
        assert [(c.ready, c.keyword) for c in library.collections()] == [(6, 0)]
        assert sorted(_vectors(tmp_path / "docs.sqlite3")) == ["finance.txt#0", "pets.txt#0", "travel.txt#0"]
        said = [e.message for e in events if e.kind == "notice"]
        assert said == [f"{embedder.name} does not read Chinese, so Chinese passages are found by keyword only."]
        # MiniLM turns the question into "unknown" tokens: a vector leg would add notes picked by noise.
        found = library.search("如何配置代理", k=3)
        assert [p.path.name for p in found.passages] == ["代理.txt"]
        assert [p.similarity for p in found.passages] == [None]
        assert any("does not read Chinese" in n and "bge-small-zh-v1.5" in n for n in found.notices), found.notices
        english = library.search("How much did the company's earnings grow?", k=1)
        assert english.passages[0].path.name == "finance.txt" and english.passages[0].similarity is not None
        assert english.notices == []


def test_the_languages_of_an_embedding_model_come_from_the_catalog_then_from_the_file(tmp_path):
    tiny = {"num_hidden_layers": 1, "hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 2}
    # The catalog's bge-small-zh reads both, whatever its card says.
    bge = build_minilm_gguf(tmp_path / "bge-small-zh-v1.5-q8_0.gguf", tiny, languages=["zh"])
    assert model_languages(bge) == frozenset({"zh", "en"})
    assert model_languages(build_minilm_gguf(tmp_path / "card-zh.gguf", tiny, languages=["zh"])) == {"zh"}
    assert model_languages(build_minilm_gguf(tmp_path / "card-none.gguf", tiny, languages=None)) is None
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(3))
    assert model_languages(broken) is None  # not this function's to report; the engine says what is wrong


def test_changing_the_embedding_model_embeds_the_collection_again(tmp_path, embedder, embedding_model):
    with Library(tmp_path / "docs.sqlite3", embedder=embedder) as library:
        library.add([_folder(tmp_path)])
        _index(library)
    other_file = tmp_path / "other-model.gguf"
    shutil.copy(embedding_model, other_file)  # another name: to the library, another model
    other = ModelEmbedder(other_file, threads=2)
    try:
        with Library(tmp_path / "docs.sqlite3", embedder=other) as library:
            # Until it is indexed again, the old vectors are not compared with the new model's question.
            stale = library.search("earnings grow")
            assert any("not embedded with other-model yet" in n for n in stale.notices)
            summary, events = _index(library)
            assert any(e.kind == "notice" and "embedded again" in e.message for e in events)
            assert (summary.read, summary.embedded) == (0, 3)
            assert [c.embedding_model for c in library.collections()] == ["other-model"]
            assert library.search("earnings grow", k=1).passages[0].path.name == "finance.txt"
    finally:
        other.close()


def _vectors(db: Path) -> dict[str, np.ndarray]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT f.path, c.seq, v.vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id "
                        "JOIN files f ON f.id = c.file_id").fetchall()
    conn.close()
    return {f"{Path(p).name}#{s}": np.frombuffer(v, dtype="<f4") for p, s, v in rows}


def test_embedding_cancelled_midway_resumes_to_the_vectors_of_a_clean_run(tmp_path, embedder):
    folder = _folder(tmp_path)
    clean = tmp_path / "clean.sqlite3"
    with Library(clean, embedder=embedder) as library:
        library.add([folder])
        _index(library)
    resumed = tmp_path / "resumed.sqlite3"
    with Library(resumed, embedder=embedder) as library:
        library.add([folder])
        run = library.index()
        for ev in run:
            if ev.stage == "embed" and ev.kind == "file_done":
                run.cancel()  # takes effect at the next file or batch: the rest stay keyword-only
        assert run.result().cancelled
        [state] = library.collections()
        assert 1 <= state.ready < 3 and state.ready + state.keyword == 3
        assert library.search("train tickets").passages[0].path.name == "travel.txt"  # searchable meanwhile
        summary, _ = _index(library)
        assert (summary.read, summary.embedded) == (0, state.keyword)
    a, b = _vectors(clean), _vectors(resumed)
    assert sorted(a) == sorted(b) and len(a) == 3
    for key in a:
        assert np.allclose(a[key], b[key], atol=1e-5), key


def test_the_cli_embeds_with_the_given_model_and_asks_with_the_same_one(tmp_path, embedding_model):
    env = {**os.environ, "DESKMATE_HOME": str(tmp_path / "home")}

    def deskmate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "deskmate", "docs", *args], env=env, capture_output=True,
                              text=True, timeout=240)

    added = deskmate("add", str(_folder(tmp_path)), "--embedding-model", str(embedding_model))
    assert added.returncode == 0, added.stderr
    assert "embedding: 3 file(s)" in added.stderr and "3 embedded" in added.stderr
    asked = deskmate("ask", "How much did the company's earnings grow?", "-k", "1", "--json", "--search-only")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["sources"] == [{"path": str(tmp_path / "notes" / "finance.txt"),
                                                    "section": None, "text": NOTES["finance.txt"]}]
    missing = deskmate("add", str(tmp_path / "notes"), "--embedding-model", str(tmp_path / "nope.gguf"))
    assert missing.returncode == 1 and "nope.gguf does not exist" in missing.stderr
