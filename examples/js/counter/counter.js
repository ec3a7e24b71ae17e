// counter: {"key":"visits"} (or any other input: key "count") ->
// {"greeting":"Hi","key":"visits","count":42}.
//
// Adds 1 to the key in the key-value store "default" (wasi:keyvalue
// atomics.increment) and reads the config value "greeting" (wasi:config,
// "Hello" when it is not set). The function's config must grant the store:
// "keyvalue": ["default"], and may set "config": {"greeting": "Hi"}.
// A refused or failed store or config gives {"error":"access-denied"}
// (or no-such-store, other: <message>; upstream: <message>, io: <message>
// from wasi:config), never a trap.
//
// Built against the faas-exec-kv world (wit/faas-kv.wit). A WIT result's
// error arrives as a thrown ComponentError whose `payload` is the variant
// ({tag: 'access-denied'}, {tag: 'other', val: '...'}); u64 is a BigInt.
import { open } from 'wasi:keyvalue/store@0.2.0-draft';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft';
import { get } from 'wasi:config/store@0.2.0-rc.1';

const DEFAULT_KEY = 'count';
const DEFAULT_GREETING = 'Hello';
// Deeper input is not a key request (and Python's recursive JSON parser
// would run out of stack on it): the three counters give it "count".
const MAX_DEPTH = 64;

// Whether arrays and objects nest deeper than MAX_DEPTH (brackets inside
// strings do not count).
function tooDeep(input) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const c of input) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === ']' || c === '}') {
      depth = Math.max(depth - 1, 0);
    }
  }
  return false;
}

// The non-empty string in the field "key" of a JSON object, else "count".
// (The engine has already dropped a leading U+FEFF from the input, as from
// every string it gets from the host; the Rust and Python counters do too.)
function keyOf(input) {
  if (tooDeep(input)) return DEFAULT_KEY;
  let value;
  try {
    value = JSON.parse(input);
  } catch {
    return DEFAULT_KEY;
  }
  const key = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.key : undefined;
  // A lone surrogate (from a \ud800 escape) is no WIT string: treat it as no key.
  return typeof key === 'string' && key !== '' && key.isWellFormed() ? key : DEFAULT_KEY;
}

// "access-denied", "no-such-store", "other: <message>" (keyvalue);
// "upstream: <message>", "io: <message>" (config).
function describe(error) {
  const payload = error !== null && typeof error === 'object' && 'payload' in error ? error.payload : error;
  if (payload !== null && typeof payload === 'object' && typeof payload.tag === 'string') {
    return payload.val === undefined ? payload.tag : `${payload.tag}: ${payload.val}`;
  }
  return String(payload);
}

export function exec(input) {
  const key = keyOf(input);
  let greeting;
  let count;
  try {
    const bucket = open('default');
    count = increment(bucket, key, 1n);
    greeting = get('greeting') ?? DEFAULT_GREETING;
  } catch (error) {
    return JSON.stringify({ error: describe(error) });
  }
  // JSON.stringify cannot write a BigInt: the count goes in as digits.
  return `{"greeting":${JSON.stringify(greeting)},"key":${JSON.stringify(key)},"count":${BigInt(count)}}`;
}
