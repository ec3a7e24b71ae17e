// The web console in a real browser: Debian's Chromium driven by
// playwright-core against a real `wasmfaas serve` with an admin token.
// Signs in, creates a bucket, uploads a function by drag and drop (and a
// second version with the file picker), invokes it and sees its output,
// captured logs and timings, rolls back, sets an alias with a canary, runs
// a pipeline with its trace, retries a dead job from the dead list, saves
// a schedule and a key-value value, and
// sees the metrics charts drawn; screenshots every page into the artifact
// directory and runs axe-core on each, failing on serious or critical
// violations, and on any Content-Security-Policy violation or script error.
//
//   node console_test.mjs <wasmfaas> <functions dir> <test components dir> <node_modules>
//                         <artifact dir> [chromium]
//
// CONSOLE_TEST_SKIP=rollback,canary leaves those steps out (for a server
// without the alias routes); every step runs by default.
import {spawn} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const [binary, functionsDir, componentsDir, nodeModules, artifacts, chromium = '/usr/bin/chromium'] =
  process.argv.slice(2);
if (!artifacts) {
  console.error('usage: console_test.mjs <wasmfaas> <functions dir> <test components dir> <node_modules> ' +
    '<artifact dir> [chromium]');
  process.exit(2);
}
if (!existsSync(join(nodeModules, 'playwright-core')) || !existsSync(chromium)) {
  console.error(`no playwright-core in '${nodeModules}' or no ${chromium}: run scripts/setup.sh`);
  process.exit(1);
}
const require = createRequire(join(nodeModules, 'noop.js'));
const {chromium: playwright} = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const skipped = new Set((process.env.CONSOLE_TEST_SKIP ?? '').split(',').filter(Boolean));

const work = mkdtempSync(join(tmpdir(), 'wasmfaas-console-'));
mkdirSync(artifacts, {recursive: true});
const secret = `wfs_${randomBytes(32).toString('hex')}`;
const tokenLine = `console:admin:${createHash('sha256').update(secret).digest('hex')}`;
const servers = [];
let browser;
const failures = [];
const log = (text) => console.log(`[console test] ${text}`);

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

// Starts a server on a free port (with the admin token unless `open`);
// resolves with its base URL.
function startServer({open = false} = {}) {
  return new Promise((resolve, reject) => {
    const data = join(work, `data-${servers.length}`);
    const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', data,
      '--code-cache-dir', '', '--log-level', 'warn', ...(open ? [] : ['--token', tokenLine])],
    {stdio: ['ignore', 'ignore', 'pipe']});
    servers.push(server);
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${stderr}`)), 20000);
    server.stderr.on('data', (chunk) => {
      stderr += chunk;
      const found = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${stderr}`)));
  });
}

async function api(base, method, path, body, type = 'application/json') {
  const response = await fetch(base + path, {method, body,
    headers: {Authorization: `Bearer ${secret}`, ...(body === undefined ? {} : {'Content-Type': type})}});
  return {status: response.status, text: await response.text(), headers: response.headers};
}

// axe-core on the page as it is: violations of impact serious or critical fail.
async function accessibility(page, name) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
  }));
  for (const violation of results.violations) {
    const where = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ');
    log(`axe ${name}: ${violation.impact} ${violation.id}: ${violation.help} (${where})`);
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      failures.push(`${name}: axe ${violation.impact} ${violation.id}: ${violation.help} at ${where}`);
    }
  }
  log(`axe ${name}: ${results.passes.length} rules passed, ${results.violations.length} violated`);
}

async function capture(page, name) {
  const file = join(artifacts, `${name}.png`);
  await page.screenshot({path: file, fullPage: true});
  log(`screenshot ${file}`);
  await accessibility(page, name);
}

async function openPage(page, base, hash) {
  await page.goto(`${base}/console/${hash}`);
  const name = hash.replace(/^#\//, '').split('?')[0];
  await page.waitForSelector(`main[data-ready="${name}"]`);
}

async function step(name, body) {
  if (skipped.has(name)) {
    log(`step ${name}: skipped (CONSOLE_TEST_SKIP)`);
    return;
  }
  log(`step ${name}`);
  await body();
}

async function run() {
  const base = await startServer();
  log(`server at ${base}`);
  browser = await playwright.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    // An API answer with an error status is logged by the browser as a
    // failed load: those are part of the flow (a refused token, a 404).
    // Anything else, a CSP refusal ("Refused to ...") above all, fails.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => dialog.accept());
  const bucket = 'demo';
  const key = 'hello';
  const helloBytes = readFileSync(join(functionsDir, 'hello.wasm'));

  await step('sign in', async () => {
    await page.goto(`${base}/console`);  // redirected to /console/
    check(page.url() === `${base}/console/`, `/console redirects to /console/ (at ${page.url()})`);
    await page.waitForSelector('main[data-ready="signin"]');
    await capture(page, 'signin');
    await page.getByLabel('API token').fill('wfs_not_a_token');
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.getByText('The server did not accept this token.').waitFor();
    await page.getByLabel('API token').fill(secret);
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.waitForSelector('main[data-ready="functions"]');
    const stored = await page.evaluate(() => ({session: sessionStorage.getItem('wasmfaas.console.token'),
      cookie: document.cookie, local: localStorage.length}));
    check(stored.session === secret, 'the token is in session storage');
    check(stored.cookie === '' && stored.local === 0, 'no cookie and nothing in local storage');
    check(!page.url().includes(secret), 'the token is not in the URL');
    // /console/ again in the same tab opens signed in.
    await page.reload();
    await page.waitForSelector('main[data-ready="functions"]');
  });

  await step('create a bucket', async () => {
    await page.getByLabel('New bucket').fill(bucket);
    await page.getByRole('button', {name: 'Create bucket'}).click();
    await page.waitForFunction((name) => document.querySelector('select[name="bucket"]')?.value === name, bucket);
  });

  await step('upload by drag and drop', async () => {
    const transfer = await page.evaluateHandle((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'hello.wasm', {type: 'application/wasm'}));
      return data;
    }, [...helloBytes]);
    await page.dispatchEvent('.dropzone', 'dragenter', {dataTransfer: transfer});
    await page.dispatchEvent('.dropzone', 'drop', {dataTransfer: transfer});
    check(await page.getByLabel('Function name').inputValue() === key, 'the dropped file names the function');
    await page.getByRole('button', {name: 'Upload', exact: true}).click();
    await page.locator('.message.ok', {hasText: `Uploaded ${bucket}/${key}`}).waitFor();
    await page.getByRole('button', {name: `Versions of ${key}`}).waitFor();
    await page.locator('#detail-heading').waitFor();
    await capture(page, 'functions');
  });

  let firstVersion;
  await step('invoke', async () => {
    await openPage(page, base, `#/invoke?bucket=${bucket}&key=${key}`);
    await page.getByLabel('Input').fill('{"name":"World"}');
    await page.getByRole('button', {name: 'Run', exact: true}).click();
    await page.locator('.output pre', {hasText: 'Hello World'}).waitFor();
    await page.locator('.captured-logs pre.stdout').waitFor();
    const stdout = await page.locator('.captured-logs pre.stdout').innerText();
    check(stdout.length > 0, 'captured stdout is shown');
    await page.locator('tr[data-phase="exec"]').waitFor();
    check(await page.locator('tr[data-phase="compile"]').count() === 1, 'Server-Timing phases are shown');
    firstVersion = await page.locator('dl.facts dd code').first().innerText();
    log(`invoked version ${firstVersion}; stdout: ${JSON.stringify(stdout.slice(0, 80))}`);
    await capture(page, 'invoke');
  });

  await step('upload a second version with the file picker', async () => {
    await openPage(page, base, `#/functions?bucket=${bucket}`);
    await page.locator('input[type="file"]').setInputFiles(join(functionsDir, 'fibonacci.wasm'));
    await page.getByLabel('Function name').fill(key);
    await page.getByRole('button', {name: 'Upload', exact: true}).click();
    await page.locator('.message.ok', {hasText: `Uploaded ${bucket}/${key}`}).waitFor();
    await page.locator('#detail-heading').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('button[aria-label^="Delete version"]').length === 2);
  });

  await step('rollback', async () => {
    await page.getByRole('button', {name: 'Roll back to the previous version'}).click();
    await page.locator('.message.ok', {hasText: 'Rolled'}).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('button[aria-label^="Delete version"]').length === 3);
    // The new current version runs hello's bytes again.
    const answer = await api(base, 'POST', `/exec/${bucket}/${key}`, '{"name":"Again"}');
    check(answer.status === 200 && answer.text.includes('Hello Again'), `after the rollback hello runs (${answer.status} ${answer.text})`);
    check(answer.headers.get('x-function-version') !== firstVersion, 'the rollback made a new version');
  });

  await step('canary', async () => {
    await openPage(page, base, `#/functions?bucket=${bucket}&key=${key}`);
    await page.locator('#detail-heading').waitFor();
    const versions = await page.locator('button[aria-label^="Delete version"]').evaluateAll(
      (buttons) => buttons.map((button) => button.getAttribute('aria-label').replace('Delete version ', '')));
    await page.getByLabel('Alias name').fill('prod');
    await page.getByLabel('Version', {exact: true}).selectOption(versions[2]);  // the oldest: hello
    await page.getByLabel('Canary version').selectOption(versions[0]);  // the rollback: hello again
    await page.getByLabel('Canary weight (%)').fill('25');
    await page.getByRole('button', {name: 'Save alias'}).click();
    await page.locator('.message.ok', {hasText: 'Alias prod now runs'}).waitFor();
    await page.getByRole('button', {name: 'Delete alias prod'}).waitFor();
    await page.getByText('at 25%').waitFor();
    await capture(page, 'functions-aliases');
    await openPage(page, base, `#/invoke?bucket=${bucket}&key=${key}`);
    await page.getByLabel('Run', {exact: true}).selectOption('alias=prod');
    await page.getByRole('button', {name: 'Run', exact: true}).click();
    await page.locator('.output pre', {hasText: 'Hello World'}).waitFor();
    await page.locator('dl.facts dd code', {hasText: 'prod'}).waitFor();
  });

  await step('logs', async () => {
    await openPage(page, base, `#/logs?bucket=${bucket}&key=${key}`);
    await page.locator('table tbody tr').first().waitFor();
    await capture(page, 'logs');
  });

  await step('pipelines', async () => {
    await openPage(page, base, `#/pipelines?bucket=${bucket}`);
    await page.getByRole('button', {name: 'New pipeline'}).click();
    await page.getByLabel('Name', {exact: true}).fill('greeting');
    await page.getByLabel('Steps').fill(key);
    await page.getByRole('button', {name: 'Save', exact: true}).click();
    await page.getByRole('button', {name: 'Run with trace'}).click();
    await page.locator('table', {hasText: 'Milliseconds'}).waitFor();
    check(await page.locator('table', {hasText: 'Milliseconds'}).locator('tbody tr').count() === 1,
      'the trace has one step');
    // After the rollback the current version is hello again.
    if (!skipped.has('rollback')) await page.locator('pre', {hasText: 'Hello World'}).first().waitFor();
    await capture(page, 'pipelines');
  });

  await step('jobs', async () => {
    const queued = await api(base, 'POST', `/async/${bucket}/${key}`, '{"name":"Later"}');
    check(queued.status === 202, `a job is queued (${queued.status})`);
    // A job of a function that traps, with one attempt: dead at once.
    const trap = readFileSync(join(componentsDir, 'fixture_trap.wasm'));
    check((await api(base, 'POST', `/file/${bucket}/boom`, trap, 'application/wasm')).status === 201, 'boom uploaded');
    check((await api(base, 'PUT', `/config/${bucket}/boom`, '{"retry":{"max_attempts":1}}')).status === 200,
      'boom configured');
    const doomed = JSON.parse((await api(base, 'POST', `/async/${bucket}/boom`, 'x', 'text/plain')).text).job;
    const deadline = Date.now() + 20000;
    while (JSON.parse((await api(base, 'GET', `/jobs/${doomed}`)).text).status !== 'dead') {
      check(Date.now() < deadline, `job ${doomed} died`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await openPage(page, base, `#/jobs?bucket=${bucket}`);
    const retry = page.getByRole('button', {name: `Retry job ${doomed}`});
    await retry.first().waitFor();
    await capture(page, 'jobs');
    const before = JSON.parse((await api(base, 'GET', `/jobs/${doomed}`)).text);
    await retry.last().click();  // the one in the dead list
    await page.getByText('queued again').waitFor();
    const after = JSON.parse((await api(base, 'GET', `/jobs/${doomed}`)).text);
    check(after.updated !== before.updated, `job ${doomed} was redriven (${JSON.stringify(after)})`);
  });

  await step('schedules', async () => {
    await openPage(page, base, `#/schedules?bucket=${bucket}`);
    await page.getByLabel('Name').fill('nightly');
    await page.getByLabel('Cron').fill('0 0 1 1 *');
    await page.getByLabel('Function').fill(key);
    await page.getByRole('button', {name: 'Save schedule'}).click();
    await page.getByRole('button', {name: 'Details of schedule nightly'}).click();
    await page.locator('#schedule-heading').waitFor();
    await capture(page, 'schedules');
  });

  await step('key-value', async () => {
    await openPage(page, base, `#/kv?bucket=${bucket}`);
    await page.getByLabel('Key', {exact: true}).fill('greeting');
    await page.getByRole('textbox', {name: 'Value', exact: true}).fill('hello from the console');
    await page.getByRole('button', {name: 'Save value'}).click();
    await page.getByRole('button', {name: 'Open key greeting'}).waitFor();
    const stored = await api(base, 'GET', `/kv/${bucket}/default/greeting`);
    check(stored.text === 'hello from the console', `the value is stored (${stored.text})`);
    await capture(page, 'kv');
  });

  await step('metrics', async () => {
    await openPage(page, base, '#/metrics');
    await page.waitForFunction(() => document.querySelector('dl.facts') !== null);
    // Executions for 6 s (three samples) after the first sample: the rate
    // chart rises above 0.
    const until = Date.now() + 6000;
    for (let i = 0; Date.now() < until; i += 1) {
      await api(base, 'POST', `/exec/${bucket}/${key}`, `{"name":"N${i}"}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.waitForFunction(() => Number(document.querySelector('#chart-rate')?.dataset.latest) > 0 &&
      Number(document.querySelector('#chart-rate')?.dataset.points) >= 3, null, {timeout: 15000});
    await page.waitForFunction(() => Number(document.querySelector('#chart-latency')?.dataset.points) > 0);
    check(await page.locator('#chart-rate polyline, #chart-rate circle').count() > 0, 'the rate is drawn');
    await capture(page, 'metrics');
  });

  check(problems.length === 0, `no script errors or CSP violations:\n  ${problems.join('\n  ')}`);

  await step('open without tokens', async () => {
    // A server without tokens (loopback only): the console opens directly.
    const openBase = await startServer({open: true});
    const other = await context.newPage();
    await other.goto(`${openBase}/console/`);
    await other.waitForSelector('main[data-ready="functions"]');
    check(await other.locator('#sign-out').isHidden(), 'no sign-out without a token');
    check(await other.evaluate(() => sessionStorage.length) === 0, 'nothing stored');
    await other.close();
  });

  await step('content security policy', async () => {
    // The browser refuses what the console never does: an inline script
    // and an inline style.
    const refused = await page.evaluate(() => new Promise((resolve) => {
      const directives = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        directives.push(event.effectiveDirective);
        if (directives.length === 2) resolve(directives.sort());
      });
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true;';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { display: none; }';
      document.head.append(style);
    }));
    check(JSON.stringify(refused) === JSON.stringify(['script-src-elem', 'style-src-elem']),
      `inline script and style are refused (${refused})`);
    check(await page.evaluate(() => window.inlineScriptRan) === undefined, 'the inline script did not run');
  });
}

try {
  await run();
} catch (error) {
  failures.push(error.stack ?? String(error));
} finally {
  if (browser) await browser.close();
  for (const server of servers) server.kill('SIGTERM');
  rmSync(work, {recursive: true, force: true});
}
writeFileSync(join(artifacts, 'result.txt'), failures.length ? failures.join('\n') : 'passed\n');
if (failures.length) {
  console.error(`[console test] FAILED:\n${failures.join('\n')}`);
  process.exit(1);
}
log('passed');
