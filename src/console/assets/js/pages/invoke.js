// Invoke: run a function (its current version, an alias or a version) on
// an input; show the output, the answer's headers, the timings from
// Server-Timing and the stdout and stderr the invocation log captured.
import * as api from '../api.js';
import {bucketPicker, functionPicker} from '../pickers.js';
import {clear, errorBox, field, h, pre, select, shortId, svg} from '../dom.js';

// "fetch;dur=0.1, compile;dur=2" -> [{name: 'fetch', ms: 0.1}, ...]
export function parseServerTiming(header) {
  if (!header) return [];
  return header.split(',').map((entry) => {
    const [name, ...parameters] = entry.trim().split(';');
    const duration = parameters.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    return {name: name.trim(), ms: duration ? Number(duration.slice(4)) : 0};
  }).filter((entry) => entry.name);
}

export async function render(root, params) {
  let bucket = '';
  const functions = functionPicker('Function', (key) => fillTargets(key));
  const targetControl = select([['', 'current version']], '', {name: 'target'});
  const input = h('textarea', {name: 'input', spellcheck: 'false'});
  input.value = params.get('input') ?? '{"name":"World"}';
  const type = select([['application/json', 'application/json'], ['text/plain', 'text/plain']],
    'application/json', {name: 'content-type'});
  const result = h('div', {'aria-live': 'polite', id: 'invoke-result'});

  const fillTargets = async (key) => {
    const options = [h('option', {value: ''}, 'current version')];
    if (bucket && key) {
      try {
        const [{versions}, aliases] = await Promise.all([
          api.get(`/file/${api.path(bucket, key)}?versions`), api.aliases(bucket, key)]);
        if (aliases && aliases.length) {
          options.push(h('optgroup', {label: 'Aliases'}, aliases.map((alias) =>
            h('option', {value: `alias=${alias.name}`}, `alias ${alias.name}`))));
        }
        options.push(h('optgroup', {label: 'Versions'}, versions.map((entry) =>
          h('option', {value: `version=${entry.version}`}, `version ${shortId(entry.version)}${entry.latest ? ' (current)' : ''}`))));
      } catch { /* the current version only */ }
    }
    targetControl.replaceChildren(...options);
  };

  const run = async (event) => {
    event.preventDefault();
    const key = functions.control.value;
    if (!bucket || !key) { clear(result, errorBox('Choose a function first.')); return; }
    clear(result, h('p', {}, 'Running…'));
    const started = performance.now();
    const suffix = targetControl.value ? `?${targetControl.value.replace(/=(.*)$/, (_, v) => `=${encodeURIComponent(v)}`)}` : '';
    let answer;
    try {
      answer = await api.send('POST', `/exec/${api.path(bucket, key)}${suffix}`, {body: input.value, type: type.value});
    } catch (error) {
      clear(result, errorBox(error));
      return;
    }
    const elapsed = performance.now() - started;
    clear(result, await invocationView(bucket, key, answer, elapsed));
  };

  const picker = await bucketPicker(async (chosen) => {
    bucket = chosen;
    await functions.fill(bucket, params.get('key'));
  }, params.get('bucket'));

  root.append(
    h('form', {class: 'panel', onsubmit: run, 'aria-label': 'Invoke a function'},
      h('div', {class: 'row'}, picker.element, functions.element, field('Run', targetControl), field('Content type', type)),
      field('Input', input),
      h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Run'))),
    result);
}

async function invocationView(bucket, key, answer, elapsed) {
  const headers = answer.headers;
  const requestId = headers.get('X-Request-Id');
  const facts = h('dl', {class: 'facts'},
    h('dt', {}, 'Status'), h('dd', {'data-status': answer.status}, `${answer.status}${answer.ok ? ' OK' : ''} in ${elapsed.toFixed(1)} ms (round trip)`),
    h('dt', {}, 'Version'), h('dd', {}, h('code', {}, headers.get('X-Function-Version') ?? 'none')),
    headers.get('X-Function-Alias') ? [h('dt', {}, 'Alias'), h('dd', {}, h('code', {}, headers.get('X-Function-Alias')))] : null,
    h('dt', {}, 'Request id'), h('dd', {}, h('code', {}, requestId ?? '')));
  const timings = parseServerTiming(headers.get('Server-Timing'));
  const view = h('section', {'aria-labelledby': 'result-heading'},
    h('h3', {id: 'result-heading'}, 'Result'), facts,
    h('h4', {}, answer.ok ? 'Output' : 'Error'),
    h('div', {class: 'output', 'data-ok': String(answer.ok)}, pre(answer.text, 'Output')),
    h('h4', {}, 'Timings (Server-Timing)'),
    timings.length ? timingChart(timings) : h('p', {class: 'empty'}, 'No Server-Timing header in this answer.'));
  const logs = h('div', {class: 'captured-logs'}, h('p', {}, 'Looking up the captured logs…'));
  view.append(h('h4', {}, 'Captured logs'), logs);
  try {
    const {invocations} = await api.get(`/logs/${api.path(bucket, key)}?limit=50`);
    const record = invocations.find((entry) => entry.request_id === requestId);
    if (!record) clear(logs, h('p', {class: 'empty'}, 'This invocation is not in the log (it keeps the latest ones).'));
    else {
      clear(logs,
        h('h5', {}, 'stdout'), record.stdout ? h('pre', {class: 'stdout', tabindex: '0', 'aria-label': 'stdout'}, record.stdout) : h('p', {class: 'empty'}, 'nothing'),
        h('h5', {}, 'stderr'), record.stderr ? h('pre', {class: 'stderr', tabindex: '0', 'aria-label': 'stderr'}, record.stderr) : h('p', {class: 'empty'}, 'nothing'));
    }
  } catch (error) {
    clear(logs, errorBox(error));
  }
  return view;
}

// Horizontal bars, one per Server-Timing entry, with a table for screen readers.
function timingChart(timings) {
  const max = Math.max(...timings.map((t) => t.ms), 0.001);
  const rowHeight = 22;
  const width = 520;
  const chart = svg('svg', {class: 'timings', viewBox: `0 0 ${width} ${timings.length * rowHeight + 4}`,
    width: String(width), height: String(timings.length * rowHeight + 4), 'aria-hidden': 'true', focusable: 'false'},
  timings.map((timing, index) => [
    svg('text', {x: '0', y: String(index * rowHeight + 15)}, timing.name),
    svg('rect', {x: '100', y: String(index * rowHeight + 4), height: '14',
      width: String(Math.max(1, (timing.ms / max) * 320))}),
    svg('text', {x: String(106 + Math.max(1, (timing.ms / max) * 320)), y: String(index * rowHeight + 15)}, `${timing.ms.toFixed(3)} ms`),
  ]));
  return h('div', {class: 'timing-view'}, chart,
    h('table', {class: 'timings-table'},
      h('caption', {class: 'visually-hidden'}, 'Server timings'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Phase'), h('th', {scope: 'col'}, 'Milliseconds'))),
      h('tbody', {}, timings.map((t) => h('tr', {'data-phase': t.name}, h('td', {}, t.name), h('td', {}, t.ms.toFixed(3)))))));
}
