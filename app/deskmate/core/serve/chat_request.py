"""Check an OpenAI chat completion request and turn it into the engine child's request.

Everything a caller can get wrong is answered here with a 400 in OpenAI's shape that names
the field (``param``) and says what to send instead, before the request waits for the engine.
Structured output arrives in OpenAI's form, ``{"type": "json_schema", "json_schema": {...}}``,
which llama-cpp-python would ignore; the engine gets ``{"type": "json_object", "schema": ...}``,
the form it enforces with a grammar (design.md).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from deskmate.core.engines.api_errors import bad_request

_ROLES = {"system", "user", "assistant", "developer"}
# Request fields that would change the answer in a way this server cannot honour.
_REFUSED = {
    "tools": "Tool calls are not offered by this server; send the request without 'tools'.",
    "functions": "Function calls are not offered by this server; send the request without 'functions'.",
    "audio": "This model reads and writes text only; send the request without 'audio'.",
    "prediction": "Predicted outputs are not offered by this server; send the request without 'prediction'.",
}
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_STOPS = 4  # OpenAI's limit


@dataclasses.dataclass(frozen=True)
class ChatRequest:
    model: str
    stream: bool
    include_usage: bool
    user: str | None
    engine_body: dict[str, Any]


def parse_chat(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("The request needs a 'model' (see GET /v1/models for the ids).", "model")
    for key, why in _REFUSED.items():
        if body.get(key):
            raise bad_request(why, key)
    if body.get("logprobs"):
        raise bad_request("Log probabilities are not offered by this server; leave 'logprobs' out.", "logprobs")
    n = body.get("n", 1)
    if n != 1 and n is not None:
        raise bad_request(f"This server makes one answer per request; 'n' must be 1 (got {n!r}). "
                          "Send several requests instead.", "n")
    stream = _bool(body, "stream")
    options = body.get("stream_options")
    if options is not None and (not isinstance(options, dict) or not stream):
        raise bad_request("'stream_options' is only allowed with stream: true, as an object.", "stream_options")
    engine: dict[str, Any] = {"messages": _messages(body.get("messages")), "stream": True,
                              "stream_options": {"include_usage": True}}
    # The last three are llama.cpp's own sampling fields, which its clients send too.
    for key, lo, hi in (("temperature", 0.0, 2.0), ("top_p", 0.0, 1.0), ("presence_penalty", -2.0, 2.0),
                        ("frequency_penalty", -2.0, 2.0), ("min_p", 0.0, 1.0), ("repeat_penalty", 0.0, 2.0),
                        ("top_k", 0, 1000)):
        value = _number(body, key, lo, hi)
        if value is not None:
            engine[key] = int(value) if key == "top_k" else value
    tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    if tokens is not None:
        param = "max_completion_tokens" if "max_completion_tokens" in body else "max_tokens"
        if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 1:
            raise bad_request(f"'{param}' must be a whole number of at least 1 (got {tokens!r}).", param)
        engine["max_tokens"] = tokens
    seed = body.get("seed")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise bad_request(f"'seed' must be a whole number (got {seed!r}).", "seed")
        engine["seed"] = seed & 0xFFFFFFFF  # llama.cpp takes a 32-bit seed
    stop = _stop(body.get("stop"))
    if stop:
        engine["stop"] = stop
    bias = body.get("logit_bias")
    if bias:
        engine["logit_bias"] = _logit_bias(bias)
    response_format = engine_response_format(body.get("response_format"))
    if response_format is not None:
        engine["response_format"] = response_format
    user = body.get("user")
    return ChatRequest(model=model, stream=stream, include_usage=bool(stream and options and options.get("include_usage")),
                       user=user if isinstance(user, str) and user else None, engine_body=engine)


def _bool(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad_request(f"'{key}' must be true or false (got {value!r}).", key)
    return value


def _number(body: dict[str, Any], key: str, lo: float, hi: float) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise bad_request(f"'{key}' must be a number from {lo:g} to {hi:g} (got {value!r}).", key)
    return float(value)


def _messages(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise bad_request("'messages' must be a non-empty list of {role, content} objects.", "messages")
    out = []
    for i, m in enumerate(value):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            raise bad_request(f"{where} must be an object with 'role' and 'content'.", "messages")
        role = m.get("role")
        if role == "tool" or m.get("tool_calls") or m.get("function_call"):
            raise bad_request(f"{where} is a tool message or call; tool calls are not offered by this server.",
                              "messages")
        if role not in _ROLES:
            raise bad_request(f"{where} has role {role!r}; use system, developer, user or assistant.", "messages")
        # "developer" is OpenAI's newer name for the system message; chat templates know "system".
        out.append({"role": "system" if role == "developer" else role, "content": _content(m.get("content"), where)})
    return out


def _content(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for part in value:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif kind in ("image_url", "input_audio", "file"):
                raise bad_request(f"{where} holds {kind.replace('_', ' ')} content; this model reads text only.",
                                  "messages")
            else:
                raise bad_request(f"{where} has a content part that is not {{'type': 'text', 'text': ...}}.",
                                  "messages")
        return "\n".join(texts)
    raise bad_request(f"{where} needs a 'content' string.", "messages")


def _stop(value: Any) -> list[str]:
    if value is None:
        return []
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops) or len(stops) > MAX_STOPS:
        raise bad_request(f"'stop' must be a string or a list of up to {MAX_STOPS} non-empty strings.", "stop")
    return stops


def _logit_bias(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise bad_request("'logit_bias' must map token ids to numbers from -100 to 100.", "logit_bias")
    out = {}
    for token, bias in value.items():
        if not str(token).isdigit() or isinstance(bias, bool) or not isinstance(bias, (int, float)) \
                or not -100 <= bias <= 100:
            raise bad_request("'logit_bias' must map token ids to numbers from -100 to 100.", "logit_bias")
        out[str(token)] = float(bias)
    return out


def engine_response_format(value: Any) -> dict[str, Any] | None:
    """OpenAI's response_format as llama-cpp-python enforces it (None: plain text)."""
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        schema = value.get("schema")  # llama-cpp-python's own extension
        if schema is not None and not isinstance(schema, dict):
            raise bad_request("response_format.schema must be a JSON Schema object.", "response_format")
        return {"type": "json_object", **({"schema": schema} if schema is not None else {})}
    if kind == "json_schema":
        spec = value.get("json_schema")
        if not isinstance(spec, dict):
            raise bad_request("response_format.json_schema must be an object with 'name' and 'schema'.",
                              "response_format")
        name = spec.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise bad_request("response_format.json_schema.name must be 1-64 letters, digits, '_' or '-'.",
                              "response_format")
        schema = spec.get("schema", {"type": "object"})
        if not isinstance(schema, dict):
            raise bad_request("response_format.json_schema.schema must be a JSON Schema object.", "response_format")
        strict = spec.get("strict", False)
        if not isinstance(strict, bool) and strict is not None:
            raise bad_request("response_format.json_schema.strict must be true or false.", "response_format")
        if strict:
            problem = strict_problem(schema)
            if problem:
                raise bad_request(problem, "response_format", "invalid_json_schema")
        return {"type": "json_object", "schema": schema}
    raise bad_request(f"response_format.type must be 'text', 'json_object' or 'json_schema' (got {kind!r}).",
                      "response_format")


def strict_problem(schema: Any, path: str = "$") -> str | None:
    """OpenAI's rule for strict schemas: every object closes (additionalProperties false) and requires all its keys.

    The grammar enforces the schema either way; the rule keeps a request that works here
    working against OpenAI, and an answer that parses into the caller's model class."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if schema.get("type") == "object" or isinstance(props, dict):
            keys = list(props or {})
            if schema.get("additionalProperties", True) is not False:
                return (f"With strict: true, the object at {path} must set additionalProperties: false "
                        "(OpenAI's rule for strict schemas). Add it, or send strict: false.")
            missing = [k for k in keys if k not in (schema.get("required") or [])]
            if missing:
                return (f"With strict: true, the object at {path} must list every property in 'required' "
                        f"(missing: {', '.join(missing)}). Make optional fields nullable instead, or send "
                        "strict: false.")
        for key, sub in schema.items():
            if key == "properties" and isinstance(sub, dict):
                for name, s in sub.items():
                    found = strict_problem(s, f"{path}.{name}")
                    if found:
                        return found
            elif isinstance(sub, (dict, list)) and key not in ("enum", "const", "default", "examples", "required"):
                found = strict_problem(sub, path if key in ("anyOf", "allOf", "oneOf", "items", "$defs",
                                                             "definitions") else f"{path}.{key}")
                if found:
                    return found
    elif isinstance(schema, list):
        for item in schema:
            found = strict_problem(item, path)
            if found:
                return found
    return None
