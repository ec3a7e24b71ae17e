// The counter examples (examples/<language>/counter) give the same answers,
// byte for byte, to the same calls: each component is transpiled to
// JavaScript by jco (from the examples' pinned npm install) with its
// wasi:keyvalue and wasi:config imports pointed at fake_host.mjs, then every
// scenario below runs against a fresh fake store. Needs no server.
//
//   node --experimental-wasm-extended-const same_answers.mjs \
//     <node_modules> <work dir> <component.wasm>...
// (The Python component uses extended constant expressions, which Node 20
// accepts only with that flag.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [modules, work, ...components] = process.argv.slice(2);
if (components.length === 0) {
  console.error('usage: same_answers.mjs <node_modules> <work dir> <component.wasm>...');
  process.exit(2);
}
const hostPath = join(dirname(fileURLToPath(import.meta.url)), 'fake_host.mjs');
const { host } = await import(pathToFileURL(hostPath).href);

const deep = (depth) => '{"key":"k","x":' + '['.repeat(depth - 1) + ']'.repeat(depth - 1) + '}';
const answer = (greeting, key, count) => JSON.stringify({ greeting, key, count });

// [what, input, expected answer, set-up before the call]; the fake store
// keeps its counts from one step to the next.
const steps = [
  ['no grant', '', '{"error":"access-denied"}'],
  ['no grant, a key', '{"key":"visits"}', '{"error":"access-denied"}'],
  ['no such store', '', '{"error":"no-such-store"}', () => { host.grants = ['default']; host.stores = []; }],
  ['empty input', '', answer('Hello', 'count', 1), () => { host.stores = ['default']; }],
  ['not JSON', 'hello', answer('Hello', 'count', 2)],
  ['a key', '{"key":"visits"}', answer('Hello', 'visits', 1)],
  ['the key again', '{"key":"visits"}', answer('Hello', 'visits', 2)],
  ['a greeting', '{"key":"visits"}', answer('Hi', 'visits', 3), () => { host.config = { greeting: 'Hi' }; }],
  ['empty key', '{"key":""}', answer('Hi', 'count', 3)],
  ['number key', '{"key":5}', answer('Hi', 'count', 4)],
  ['object key', '{"key":{"key":"x"},"y":[1,{"a":[]}]}', answer('Hi', 'count', 5)],
  ['array', '[{"key":"visits"}]', answer('Hi', 'count', 6)],
  ['null', 'null', answer('Hi', 'count', 7)],
  ['truncated', '{"key":', answer('Hi', 'count', 8)],
  ['nested key', '{"a":{"key":"no"}}', answer('Hi', 'count', 9)],
  ['trailing text', '{"key":"k"} x', answer('Hi', 'count', 10)],
  ['whitespace', ' \n{"key" : "k"}\t', answer('Hi', 'k', 1)],
  ['escapes', '{"key":"k\\u00e9\\n\\"\\u0001\\u2028 日本"}', answer('Hi', 'k\u00e9\n"\u0001\u2028 日本', 1)],
  ['surrogate pair', '{"key":"\\ud83d\\ude00"}', answer('Hi', '😀', 1)],
  ['lone surrogate', '{"key":"\\ud800"}', answer('Hi', 'count', 11)],
  ['duplicate key', '{"key":"a","key":"b"}', answer('Hi', 'b', 1)],
  ['array then string', '{"key":[1,2],"key":"b"}', answer('Hi', 'b', 2)],
  ['__proto__', '{"__proto__":{"key":"p"}}', answer('Hi', 'count', 12)],
  ['NaN elsewhere', '{"key":"k","v":NaN}', answer('Hi', 'count', 13)],
  ['1e400 elsewhere', '{"key":"k","n":1e400}', answer('Hi', 'k', 2)],
  ['1e400 key', '{"key":1e400}', answer('Hi', 'count', 14)],
  ['5000 digits elsewhere', `{"key":"k","n":${'9'.repeat(5000)}}`, answer('Hi', 'k', 3)],
  ['lone surrogate elsewhere', '{"x":"\\ud800","key":"k"}', answer('Hi', 'k', 4)],
  ['lone surrogate field name', '{"\\ud800":1,"key":"k"}', answer('Hi', 'k', 5)],
  ['64 deep', deep(64), answer('Hi', 'k', 6)],
  ['65 deep', deep(65), answer('Hi', 'count', 15)],
  ['100000 deep', deep(100000), answer('Hi', 'count', 16)],
  ['brackets in a string', `{"key":"k\\"[[","x":"${'['.repeat(100)}"}`, answer('Hi', 'k"[[', 1)],
  ['unbalanced', ']]]]{"key":"k"}', answer('Hi', 'count', 17)],
  ['byte-order mark', '\ufeff{"key":"bom"}', answer('Hi', 'bom', 1)],
  ['two byte-order marks', '\ufeff\ufeff{"key":"bom"}', answer('Hi', 'count', 18)],
  // (jco's side of the call drops the mark from the key the fake host gets.)
  ['byte-order mark in a key', '{"key":"\ufeffkey"}', answer('Hi', '\ufeffkey', 1)],
  ['empty greeting', '', answer('', 'count', 19), () => { host.config = { greeting: '' }; }],
  ['greeting to escape', '', answer('Grüße "x"\n', 'count', 20), () => { host.config = { greeting: '\ufeffGrüße "x"\n' }; }],
  ['largest count', '{"key":"big"}', answer('Hello', 'big', '18446744073709551615'), () => {
    host.config = {};
    host.data.get('default').set('big', 0xfffffffffffffffen);
  }],
  ['wrapped count', '{"key":"big"}', answer('Hello', 'big', 0)],
  ['store failure', '', '{"error":"other: disk \\"full\\""}', () => { host.failIncrement = { tag: 'other', val: 'disk "full"' }; }],
  ['config failure', '', '{"error":"upstream: down"}', () => { host.failIncrement = null; host.failConfig = { tag: 'upstream', val: 'down' }; }],
  ['config i/o failure', '', '{"error":"io: \\u0001"}', () => { host.failConfig = { tag: 'io', val: '\ufeff\u0001' }; }],
  ['after the failures', '', answer('Hello', 'count', 23), () => { host.failConfig = null; }],
].map(([what, input, expected, setUp]) => ({ what, input, setUp,
  // The largest u64 does not fit a JSON number of JavaScript's: spliced in.
  expected: expected.replace('"18446744073709551615"', '18446744073709551615') }));

mkdirSync(work, { recursive: true });
rmSync(join(work, 'node_modules'), { force: true });
symlinkSync(resolve(modules), join(work, 'node_modules'));
const jco = join(resolve(modules), '@bytecodealliance', 'jco', 'dist', 'jco.js');

let failures = 0;
for (const component of components) {
  const name = basename(component, '.wasm');
  const out = join(work, name);
  rmSync(out, { recursive: true, force: true });
  const maps = ['wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/atomics@0.2.0-draft',
    'wasi:config/store@0.2.0-rc.1'].flatMap((spec) => ['--map', `${spec}=${hostPath}`]);
  execFileSync(process.execPath, [jco, 'transpile', resolve(component), '-o', out, '--name', name,
    '--no-typescript', '-q', ...maps], { stdio: 'inherit' });
  const { exec } = await import(pathToFileURL(join(out, `${name}.js`)).href);
  host.reset();
  for (const step of steps) {
    if (step.setUp) step.setUp();
    let output;
    try {
      output = exec(step.input);
    } catch (error) {
      output = `trap: ${error}`;
    }
    if (output !== step.expected) {
      failures++;
      console.log(`${name}: ${step.what}: got ${output}\n  expected ${step.expected}`);
    }
  }
  console.log(`${name}: ${steps.length} calls checked`);
}
if (failures > 0) {
  console.log(`${failures} answers differ`);
  process.exit(1);
}
