"""``POST /v1/embeddings`` for the engine child, in OpenAI's request and response shapes.

Runs inside the engine process on a ``Llama(embedding=True)`` (see host.py); it never
imports llama_cpp itself. Vectors are unit length (``normalize=True``: llama.cpp's are
not by default), and an input longer than the model's context is refused with a 400
rather than cut silently (``truncate=False``; llama.cpp would drop the tail unseen).
"""

from __future__ import annotations

import base64
import struct
from typing import Any

from .api_errors import ApiError, bad_request

# OpenAI's own limit on inputs per request; it also bounds the memory of one answer.
MAX_INPUTS = 2048


def is_embedding_model(llama: Any) -> bool:
    return bool(getattr(llama.context_params, "embeddings", False))


def parse_inputs(body: Any) -> list[str]:
    """The request's ``input`` as a list of non-empty strings, or a 400 that says what is wrong."""
    if not isinstance(body, dict) or "input" not in body:
        raise bad_request("The request needs an 'input': a string or a list of strings.", "input")
    value = body["input"]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise bad_request("'input' must be a string or a non-empty list of strings.", "input")
    if len(items) > MAX_INPUTS:
        raise bad_request(f"'input' holds {len(items)} items; send at most {MAX_INPUTS} per request.", "input")
    for i, item in enumerate(items):
        if isinstance(item, int) or (isinstance(item, list) and item and all(isinstance(t, int) for t in item)):
            raise bad_request(
                "'input' holds token ids; this server embeds text only (its tokenizer is not OpenAI's). "
                "Send strings (in LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False)).", "input")
        if not isinstance(item, str):
            raise bad_request(f"input[{i}] is not a string.", "input")
        if not item.strip():
            raise bad_request(f"input[{i}] is empty; every input needs some text.", "input")
    return list(items)


def encoding_format(body: dict[str, Any]) -> str:
    fmt = body.get("encoding_format") or "float"
    if fmt not in ("float", "base64"):
        raise bad_request(f"encoding_format must be 'float' or 'base64' (got {fmt!r}).", "encoding_format")
    return str(fmt)


def pack_base64(vector: list[float]) -> str:
    """OpenAI's base64 form: little-endian float32, as numpy.frombuffer(..., dtype='<f4') reads it."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def unpack_base64(text: str) -> list[float]:
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def embeddings(llama: Any, alias: str, body: Any) -> dict[str, Any]:
    """Embed the request's inputs; raise ApiError for anything the caller must change."""
    if not is_embedding_model(llama):
        raise bad_request(f"'{alias}' is a chat model; it cannot make embeddings. Use an embedding model.",
                          "model", "model_not_embedding")
    texts = parse_inputs(body)
    fmt = encoding_format(body)
    n_embd = llama.n_embd()
    dims = body.get("dimensions")
    if dims is not None and dims != n_embd:
        raise bad_request(f"This model makes {n_embd}-dimensional vectors; 'dimensions' cannot change that "
                          f"(got {dims}). Leave 'dimensions' out.", "dimensions")
    limit = llama.n_batch  # == n_ubatch == the context (see host.py)
    counts = [len(llama.tokenize(t.encode("utf-8"), add_bos=True, special=False)) for t in texts]
    for i, n in enumerate(counts):
        if n > limit:
            which = "The input" if len(texts) == 1 else f"input[{i}]"
            raise ApiError(400, f"{which} is {n} tokens long; this embedding model reads at most {limit} tokens "
                           "at a time. Split the text into smaller pieces.", param="input",
                           code="context_length_exceeded")
    try:
        vectors = llama.embed(texts, normalize=True, truncate=False)
    except ValueError as e:  # a backstop for the check above
        raise bad_request(f"The input could not be embedded: {e}.", "input") from None
    data = [{"object": "embedding", "index": i, "embedding": pack_base64(v) if fmt == "base64" else v}
            for i, v in enumerate(vectors)]
    total = sum(counts)
    return {"object": "list", "data": data, "model": alias,
            "usage": {"prompt_tokens": total, "total_tokens": total}}

