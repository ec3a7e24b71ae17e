"""__NAME__: a wasmfaas function keeping a counter (the faas-exec-kv world).

{"key":"visits"} (or any other input: key "count") ->
{"greeting":"Hi","key":"visits","count":42}: adds 1 to the key in the
key-value store "default" (wasi:keyvalue) and reads the config value
"greeting" (wasi:config). Its config on the server must grant the store,
e.g. {"keyvalue":["default"],"config":{"greeting":"Hi"}}; without it the
answer is {"error":"access-denied"}.

A WIT result's error is raised as componentize_py_types.Err whose `value`
is the error variant's case (Error_AccessDenied, Error_Other(value), ...).
"""
import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import atomics, wasi_config_store, wasi_keyvalue_store

ERROR_NAMES = {
    wasi_keyvalue_store.Error_NoSuchStore: "no-such-store",
    wasi_keyvalue_store.Error_AccessDenied: "access-denied",
    wasi_keyvalue_store.Error_Other: "other",
    wasi_config_store.Error_Upstream: "upstream",
    wasi_config_store.Error_Io: "io",
}


def key_of(input: str) -> str:
    # json.loads recurses once per nesting level: input with many brackets is
    # not parsed, so that none can exhaust the WebAssembly stack (a trap).
    if input.count("[") + input.count("{") > 200:
        return "count"
    try:
        value = json.loads(input)
    except (ValueError, RecursionError):
        return "count"
    key = value.get("key") if isinstance(value, dict) else None
    if not isinstance(key, str) or key == "":
        return "count"
    try:
        key.encode("utf-8")  # a lone surrogate (from a \ud800 escape) is no WIT string
    except UnicodeEncodeError:
        return "count"
    return key


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
            name = ERROR_NAMES.get(type(error.value), str(error.value))
            message = getattr(error.value, "value", None)
            return dump({"error": name if message is None else f"{name}: {message}"})
        return dump({"greeting": "Hello" if greeting is None else greeting, "key": key, "count": count})
