// __NAME__: a wasmfaas function keeping a counter (the faas-exec-kv world).
//
// {"key":"visits"} (or any other input: key "count") ->
// {"greeting":"Hi","key":"visits","count":42}: adds 1 to the key in the
// key-value store "default" (wasi:keyvalue) and reads the config value
// "greeting" (wasi:config). Its config on the server must grant the store,
// e.g. {"keyvalue":["default"],"config":{"greeting":"Hi"}}; without it the
// answer is {"error":"access-denied"}.
//
// A WIT result's error arrives as a thrown error whose `payload` is the
// variant ({tag: 'access-denied'}, {tag: 'other', val: '...'}); u64 is a BigInt.
import { open } from 'wasi:keyvalue/store@0.2.0-draft';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft';
import { get } from 'wasi:config/store@0.2.0-rc.1';

function keyOf(input) {
  try {
    const key = JSON.parse(input)?.key;
    // (A lone surrogate, from a \ud800 escape, is no WIT string.)
    if (typeof key === 'string' && key !== '' && key.isWellFormed()) return key;
  } catch {
    // not JSON: the default key
  }
  return 'count';
}

export function exec(input) {
  const key = keyOf(input);
  try {
    const bucket = open('default');
    const count = increment(bucket, key, 1n);
    const greeting = get('greeting') ?? 'Hello';
    // JSON.stringify cannot write a BigInt: the count goes in as digits.
    return `{"greeting":${JSON.stringify(greeting)},"key":${JSON.stringify(key)},"count":${count}}`;
  } catch (error) {
    const payload = error?.payload ?? { tag: String(error) };
    return JSON.stringify({ error: payload.val === undefined ? payload.tag : `${payload.tag}: ${payload.val}` });
  }
}
