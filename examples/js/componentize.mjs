// Builds one JavaScript function into a faas-exec component with
// ComponentizeJS's programmatic API. (The `jco componentize` command cannot
// read its input files under Node 20 here; see docs/languages.md.)
//
//   node componentize.mjs <node_modules dir> <source.js> <wit dir> <output.wasm> [world]
//
// The world defaults to faas-exec; faas-exec-kv adds wasi:keyvalue and
// wasi:config (wit/faas-kv.wit).
//
// The tools live in the cache (scripts/guest-toolchains.sh installs
// package-lock.json there), so the package is imported by path.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, source, witDir, output, worldName = 'faas-exec'] = process.argv.slice(2);
if (!output) {
  console.error('usage: node componentize.mjs <node_modules dir> <source.js> <wit dir> <output.wasm> [world]');
  process.exit(2);
}
const packageDir = join(resolve(modules), '@bytecodealliance', 'componentize-js');
const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
const { componentize } = await import(pathToFileURL(join(packageDir, manifest.exports.import)).href);

const { component } = await componentize({
  sourcePath: resolve(source),
  witPath: resolve(witDir),
  worldName,
  // The worlds grant stdout (and key-value, config) only: no randomness
  // source, clocks or HTTP.
  disableFeatures: ['random', 'clocks', 'http', 'fetch-event'],
});
await writeFile(output, component);
