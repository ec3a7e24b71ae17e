// Jobs: async jobs by bucket, function and status, a job's details, cancel
// a queued one, and the dead list with retry (the redrive) and purge.
import * as api from '../api.js';
import {bucketPicker} from '../pickers.js';
import {actionRunner, clear, errorBox, field, formatTime, h, pre, select, shortId, table} from '../dom.js';

const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled'];

export async function render(root, params) {
  let bucket = '';
  const status = select(STATUSES.map((s) => [s, s || 'any']), params.get('status') ?? '', {name: 'status'});
  const key = h('input', {type: 'text', name: 'function-key', value: params.get('key') ?? ''});
  const all = h('div', {});
  const dead = h('div', {});
  const detail = h('div', {'aria-live': 'polite'});

  const act = actionRunner(detail, () => refresh());
  const actions = (job) => [
    h('button', {type: 'button', class: 'small secondary', 'aria-label': `Details of job ${job.job}`,
      onclick: () => showJob(job.job)}, 'Details'),
    job.status === 'failed' || job.status === 'dead'
      ? h('button', {type: 'button', class: 'small', 'aria-label': `Retry job ${job.job}`,
        onclick: () => act(`Job ${shortId(job.job)} queued again.`, () => api.postJson(`/jobs/${job.job}/retry`))}, 'Retry')
      : null,
    job.status === 'queued'
      ? h('button', {type: 'button', class: 'small danger', 'aria-label': `Cancel job ${job.job}`,
        onclick: () => act(`Job ${shortId(job.job)} cancelled.`, () => api.del(`/jobs/${job.job}`))}, 'Cancel')
      : null,
  ];
  const rows = (jobs) => jobs.map((job) => [
    h('code', {title: job.job}, shortId(job.job)), h('code', {}, job.function),
    h('span', {class: `badge ${job.status}`}, job.status), `${job.attempts} of ${job.max_attempts}`,
    job.source, formatTime(job.created), actions(job),
  ]);
  const columns = ['Job', 'Function', 'Status', 'Attempts', 'Source', 'Created', 'Actions'];

  const showJob = async (id) => {
    try {
      const job = await api.get(`/jobs/${id}`);
      clear(detail, h('section', {class: 'panel', 'aria-labelledby': 'job-heading'},
        h('h3', {id: 'job-heading', tabindex: '-1'}, `Job ${id}`), pre(job, `Job ${id}`)));
      detail.querySelector('h3').focus();
    } catch (error) {
      clear(detail, errorBox(error));
    }
  };

  const refresh = async () => {
    if (!bucket) return;
    const filter = {bucket, key: key.value.trim() || undefined, limit: 100};
    try {
      const [listed, deadJobs] = await Promise.all([
        api.get(`/jobs${api.query({...filter, status: status.value || undefined})}`),
        api.get(`/jobs${api.query({...filter, status: 'dead'})}`),
      ]);
      clear(all, table('Jobs', columns, rows(listed.jobs), 'No jobs match.'));
      clear(dead, table('Dead jobs', columns, rows(deadJobs.jobs), 'No dead jobs.'));
    } catch (error) {
      clear(all, errorBox(error));
    }
  };

  const purge = () => {
    if (!window.confirm(`Purge every dead job of ${bucket}?`)) return;
    act('Dead jobs purged.', () => api.del(`/jobs${api.query({bucket, status: 'dead'})}`));
  };

  const picker = await bucketPicker((chosen) => { bucket = chosen; refresh(); }, params.get('bucket'));
  root.append(
    h('form', {class: 'panel row', 'aria-label': 'Filter jobs', onsubmit: (event) => { event.preventDefault(); refresh(); }},
      picker.element, field('Function', key), field('Status', status),
      h('button', {type: 'submit'}, 'Show')),
    h('section', {'aria-labelledby': 'jobs-heading'}, h('h3', {id: 'jobs-heading'}, 'Jobs (newest first)'), all),
    h('section', {'aria-labelledby': 'dead-heading'},
      h('h3', {id: 'dead-heading'}, 'Dead list'),
      h('p', {}, 'Jobs out of attempts. Retry queues one again with all its attempts.'),
      h('div', {class: 'row'}, h('button', {type: 'button', class: 'danger', onclick: purge}, 'Purge dead jobs')),
      dead),
    detail);
}
