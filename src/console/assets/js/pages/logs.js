// Invocation logs: a function's latest invocations with their status,
// duration, version and captured stdout/stderr (GET /logs/{bucket}/{key}).
import * as api from '../api.js';
import {bucketPicker, functionPicker} from '../pickers.js';
import {clear, errorBox, field, formatTime, h, shortId, table} from '../dom.js';

export async function render(root, params) {
  let bucket = '';
  const list = h('div', {'aria-live': 'polite'});
  const limit = h('input', {type: 'number', name: 'limit', min: '1', max: '1000', value: '50'});
  const load = async () => {
    const key = functions.control.value;
    if (!bucket || !key) { clear(list, h('p', {class: 'empty'}, 'Choose a function.')); return; }
    try {
      const {invocations} = await api.get(`/logs/${api.path(bucket, key)}?limit=${encodeURIComponent(limit.value || '50')}`);
      clear(list, table(`Latest invocations of ${key}`,
        ['Time', 'Status', 'Duration', 'Version', 'Request', 'Output captured'],
        invocations.map((entry) => [
          formatTime(entry.time),
          h('span', {class: entry.status >= 400 ? 'badge failed' : 'badge latest'}, String(entry.status)),
          `${Number(entry.duration_ms).toFixed(2)} ms`,
          h('code', {title: entry.version}, shortId(entry.version)),
          [h('code', {}, entry.request_id), entry.job ? h('div', {}, `job ${shortId(entry.job)}, attempt ${entry.attempt}`) : null],
          captured(entry),
        ]), 'No invocations logged yet.'));
    } catch (error) {
      clear(list, errorBox(error));
    }
  };
  const functions = functionPicker('Function', load);
  const picker = await bucketPicker(async (chosen) => {
    bucket = chosen;
    await functions.fill(bucket, params.get('key'));
  }, params.get('bucket'));
  root.append(
    h('div', {class: 'panel row'}, picker.element, functions.element, field('How many', limit),
      h('button', {type: 'button', onclick: load}, 'Refresh')),
    list);
}

function captured(entry) {
  const parts = [];
  if (entry.error) parts.push(h('div', {class: 'message error'}, entry.error));
  for (const stream of ['stdout', 'stderr']) {
    if (!entry[stream]) continue;
    parts.push(h('details', {},
      h('summary', {}, `${stream}${entry[`${stream}_truncated`] ? ' (truncated)' : ''}`),
      h('pre', {class: stream}, entry[stream])));
  }
  return parts.length ? parts : h('span', {class: 'empty'}, 'nothing');
}
