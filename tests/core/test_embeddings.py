"""The local embedding engine: a real MiniLM GGUF in its own child process, checked against numpy."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import time

import numpy as np
import pytest
from embedding_factory import reference_embed, tokenize

from deskmate.core.engines.base import msg
from deskmate.core.engines.embedding import LocalEmbedder, embedding_config
from deskmate.core.engines.errors import ModelInvalidError, RequestRejectedError
from deskmate.core.engines.openai_client import OpenAIClient

SENTENCES = [
    "The cat sat on the mat.",
    "Quarterly revenue grew 12% compared with last year, driven by café sales in Zürich!",
    "Please send the signed contract to the legal department before Friday.",
]


@pytest.fixture(scope="module")
def embedder(embedding_model):
    e = LocalEmbedder(embedding_config(embedding_model, threads=2))
    e.wait_ready(120)
    yield e
    e.close()


def cos(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_vectors_match_a_numpy_forward_pass_of_the_same_weights(embedder):
    batch = embedder.embed(SENTENCES)
    assert len(batch) == len(SENTENCES)
    for text, vector in zip(SENTENCES, batch):
        assert len(vector) == 384
        assert abs(np.linalg.norm(vector) - 1.0) < 1e-3  # normalize=True: unit length
        assert cos(vector, reference_embed(text)) >= 0.999, text
    # One at a time gives the same vectors as one batch.
    alone = embedder.embed([SENTENCES[1]])[0]
    assert cos(alone, batch[1]) >= 0.9999


def test_a_q8_0_model_like_the_catalogs_embeds_close_to_its_f16_original(embedding_model, tmp_path):
    """The catalog's bge-small-zh-v1.5 is Q8_0: the quantized kernels run here (a llama.cpp built with AMX
    kernels died of SIGILL on them in a VM that advertises AMX without enabling it; see the Makefile)."""
    import llama_cpp

    q8 = tmp_path / "minilm-q8_0.gguf"
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
    assert llama_cpp.llama_model_quantize(str(embedding_model).encode(), str(q8).encode(), params) == 0
    with LocalEmbedder(embedding_config(q8, threads=2)) as quantized:
        vectors = quantized.embed(SENTENCES * 4)  # a batch of many tokens: the matrix kernels, not the vector ones
    for text, vector in zip(SENTENCES * 4, vectors):
        assert cos(vector, reference_embed(text)) >= 0.99, text


def test_similar_sentences_score_higher_than_unrelated_ones(embedder):
    query, close, far = embedder.embed([
        "How do I reset my password?",
        "Steps to change a forgotten account password",
        "The recipe needs two eggs and a cup of flour.",
    ])
    assert cos(query, close) > cos(query, far) + 0.3


def test_an_input_longer_than_the_context_is_refused_not_cut(embedder):
    long_text = " ".join(["word"] * 600)  # 602 tokens with [CLS] and [SEP]
    fits = " ".join(["word"] * 500)
    assert len(tokenize(long_text)) > 512 >= len(tokenize(fits))
    assert len(embedder.embed([fits])[0]) == 384
    with pytest.raises(RequestRejectedError) as e:
        embedder.embed(["short text", long_text])
    text = str(e.value)
    assert "input[1]" in text and "602 tokens" in text and "512" in text and "Split" in text


def test_the_child_speaks_openai_embeddings(embedder):
    client = OpenAIClient(embedder.endpoint())
    plain = client.post_json("/embeddings", {"model": "x", "input": "The cat sat on the mat."})
    assert plain["object"] == "list" and plain["data"][0]["object"] == "embedding"
    assert plain["usage"] == {"prompt_tokens": len(tokenize(SENTENCES[0])), "total_tokens": len(tokenize(SENTENCES[0]))}
    packed = client.post_json("/embeddings", {"input": [SENTENCES[0]], "encoding_format": "base64"})
    as_floats = np.frombuffer(base64.b64decode(packed["data"][0]["embedding"]), dtype="<f4")
    assert np.allclose(as_floats, plain["data"][0]["embedding"], atol=1e-6)


@pytest.mark.parametrize("body, says", [
    ({"input": [[101, 2023, 102]]}, "token ids"),
    ({"input": ["fine", "  "]}, "input[1] is empty"),
    ({"input": []}, "non-empty list"),
    ({"input": "x", "encoding_format": "float16"}, "encoding_format"),
    ({"input": "x", "dimensions": 128}, "384-dimensional"),
    ({"text": "x"}, "needs an 'input'"),
])
def test_bad_requests_get_openai_shaped_400s(embedder, body, says):
    endpoint = embedder.endpoint()
    host, port = endpoint.base_url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/v1/embeddings", json.dumps(body),
                 {"Authorization": f"Bearer {endpoint.api_key}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    payload = json.loads(resp.read())
    assert resp.status == 400
    assert set(payload["error"]) == {"message", "type", "param", "code"}
    assert payload["error"]["type"] == "invalid_request_error"
    assert says in payload["error"]["message"]


def test_an_embedding_engine_does_not_chat_and_a_chat_engine_does_not_embed(embedder, engine):
    with pytest.raises(RequestRejectedError, match="is an embedding model"):
        OpenAIClient(embedder.endpoint()).complete([msg("user", "Hello")])
    with pytest.raises(RequestRejectedError, match="is a chat model"):
        engine.http_client().embed(["Hello"])


def test_a_chat_model_is_refused_as_an_embedding_model(tiny_model):
    e = LocalEmbedder(embedding_config(tiny_model, threads=1))
    try:
        with pytest.raises(ModelInvalidError, match="not an embedding model"):
            e.wait_ready(120)
    finally:
        e.close()


def test_the_embedder_comes_back_after_its_process_is_killed(embedder):
    before = embedder.embed([SENTENCES[2]])[0]
    pid = embedder.supervisor.pid
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.05)
    after = embedder.embed([SENTENCES[2]])[0]
    assert embedder.supervisor.pid != pid
    assert cos(before, after) >= 0.9999


def test_a_chat_and_an_embedding_engine_in_one_process_both_show_as_running(engine, embedding_model, monkeypatch):
    from deskmate.core.engines.runtime_info import running_engines

    # The session's engine started under the first test's home; this test looks at that home.
    monkeypatch.setenv("DESKMATE_HOME", str(engine.config.runtime_dir.parent))
    with LocalEmbedder.for_model(embedding_model, threads=1) as e:
        e.wait_ready(120)
        deadline = time.monotonic() + 5  # the file is written just after the state changes
        while True:
            mine = {r["role"]: r for r in running_engines() if r["owner_pid"] == os.getpid()}
            if mine.get("embedding", {}).get("phase") == "ready" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert mine["embedding"]["phase"] == "ready" and mine["embedding"]["model"] == str(embedding_model)
        assert mine["app"]["model"] == str(engine.config.model)
