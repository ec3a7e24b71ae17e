"""counter: {"key":"visits"} (or any other input: key "count") ->
{"greeting":"Hi","key":"visits","count":42}.

Adds 1 to the key in the key-value store "default" (wasi:keyvalue
atomics.increment) and reads the config value "greeting" (wasi:config,
"Hello" when it is not set). The function's config must grant the store:
"keyvalue": ["default"], and may set "config": {"greeting": "Hi"}.
A refused or failed store or config gives {"error":"access-denied"}
(or no-such-store, other: <message>; upstream: <message>, io: <message>
from wasi:config), never a trap.

Built against the faas-exec-kv world (wit/faas-kv.wit): componentize-py
generates wit_world at build time. A WIT result's error is raised as
componentize_py_types.Err whose `value` is the error variant's case.
"""
import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import atomics, wasi_config_store, wasi_keyvalue_store

DEFAULT_KEY = "count"
DEFAULT_GREETING = "Hello"
# Deeper input is not a key request (and json's recursive parser would run
# out of stack on it): the three counters give it "count".
MAX_DEPTH = 64


def strip_bom(text: str) -> str:
    """ComponentizeJS's engine drops a leading U+FEFF from every string it
    gets from the host; the Rust and Python counters do the same."""
    return text[1:] if text.startswith("\ufeff") else text


def too_deep(input: str) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH (brackets inside
    strings do not count)."""
    if input.count("[") + input.count("{") <= MAX_DEPTH:
        return False
    depth, in_string, escaped = 0, False, False
    for c in input:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif c in "]}":
            depth = max(depth - 1, 0)
    return False


def reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def key_of(input: str) -> str:
    """The non-empty string in the field "key" of a JSON object, else "count".
    Parsed as JSON.parse does: no NaN or Infinity, numbers of any size (as
    floats: int() refuses more than 4300 digits)."""
    input = strip_bom(input)
    if too_deep(input):
        return DEFAULT_KEY
    try:
        value = json.loads(input, parse_constant=reject_constant, parse_int=float, parse_float=float)
    except (ValueError, RecursionError):
        return DEFAULT_KEY
    key = value.get("key") if isinstance(value, dict) else None
    if not isinstance(key, str) or key == "":
        return DEFAULT_KEY
    try:
        key.encode("utf-8")  # a lone surrogate (from a \ud800 escape) is no WIT string
    except UnicodeEncodeError:
        return DEFAULT_KEY
    return key


def describe(error) -> str:
    """"access-denied", "no-such-store", "other: <message>" (keyvalue);
    "upstream: <message>", "io: <message>" (config)."""
    if isinstance(error, wasi_keyvalue_store.Error_NoSuchStore):
        return "no-such-store"
    if isinstance(error, wasi_keyvalue_store.Error_AccessDenied):
        return "access-denied"
    if isinstance(error, wasi_keyvalue_store.Error_Other):
        return f"other: {strip_bom(error.value)}"
    if isinstance(error, wasi_config_store.Error_Upstream):
        return f"upstream: {strip_bom(error.value)}"
    if isinstance(error, wasi_config_store.Error_Io):
        return f"io: {strip_bom(error.value)}"
    return str(error)


def dump(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class WitWorld(wit_world.WitWorld):
    def exec(self, input: str) -> str:
        key = key_of(input)
        try:
            with wasi_keyvalue_store.open("default") as bucket:
                count = atomics.increment(bucket, key, 1)
            greeting = wasi_config_store.get("greeting")
        except Err as error:
            return dump({"error": describe(error.value)})
        greeting = DEFAULT_GREETING if greeting is None else strip_bom(greeting)
        return dump({"greeting": greeting, "key": key, "count": count})
