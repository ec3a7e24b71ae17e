// Schedules: a bucket's cron schedules, their next ticks and last runs;
// create or replace one, pause, resume, delete.
import * as api from '../api.js';
import {bucketPicker} from '../pickers.js';
import {actionRunner, clear, errorBox, field, formatTime, h, select, shortId, table} from '../dom.js';

export async function render(root, params) {
  let bucket = '';
  const list = h('div', {});
  const detail = h('div', {'aria-live': 'polite'});

  const act = actionRunner(detail, () => refresh());
  const refresh = async () => {
    if (!bucket) return;
    try {
      const {schedules} = await api.get(api.path('/schedule', bucket));
      clear(list, table(`Schedules of ${bucket}`,
        ['Name', 'Cron', 'Time zone', 'Function', 'State', 'Next tick', 'Actions'],
        schedules.map((schedule) => {
          const target = api.path('/schedule', bucket, schedule.name);
          return [
            h('code', {}, schedule.name), h('code', {}, schedule.cron), schedule.timezone,
            h('code', {}, schedule.function), schedule.paused ? 'paused' : 'active',
            formatTime(schedule.next_fire) || 'none',
            [h('button', {type: 'button', class: 'small secondary', 'aria-label': `Details of schedule ${schedule.name}`,
              onclick: () => show(schedule.name)}, 'Details'),
            h('button', {type: 'button', class: 'small secondary',
              'aria-label': `${schedule.paused ? 'Resume' : 'Pause'} schedule ${schedule.name}`,
              onclick: () => act(`Schedule ${schedule.name} ${schedule.paused ? 'resumed' : 'paused'}.`,
                () => api.postJson(`${target}/${schedule.paused ? 'resume' : 'pause'}`))},
            schedule.paused ? 'Resume' : 'Pause'),
            h('button', {type: 'button', class: 'small danger', 'aria-label': `Delete schedule ${schedule.name}`,
              onclick: () => {
                if (window.confirm(`Delete schedule ${schedule.name}?`)) act(`Schedule ${schedule.name} deleted.`, () => api.del(target));
              }}, 'Delete')],
          ];
        }), 'No schedules in this bucket yet.'));
    } catch (error) {
      clear(list, errorBox(error));
    }
  };
  const show = async (name) => {
    try {
      const schedule = await api.get(api.path('/schedule', bucket, name));
      clear(detail, h('section', {class: 'panel', 'aria-labelledby': 'schedule-heading'},
        h('h3', {id: 'schedule-heading', tabindex: '-1'}, `Schedule ${name}`),
        h('h4', {}, 'Next ticks'),
        h('ul', {}, schedule.next_fires.map((time) => h('li', {}, formatTime(time)))),
        h('h4', {}, 'Last runs'),
        table(`Last runs of ${name}`, ['Tick', 'Outcome', 'Job'], schedule.last_runs.map((run) => [
          formatTime(run.fire_time), run.outcome,
          run.job ? h('a', {href: `#/jobs?bucket=${encodeURIComponent(bucket)}`}, shortId(run.job)) : '',
        ]), 'No ticks yet.')));
      detail.querySelector('h3').focus();
    } catch (error) {
      clear(detail, errorBox(error));
    }
  };

  const name = h('input', {type: 'text', name: 'schedule-name', required: true});
  const cron = h('input', {type: 'text', name: 'cron', required: true, value: '*/5 * * * *'});
  const timezone = h('input', {type: 'text', name: 'timezone', value: 'UTC'});
  const fn = h('input', {type: 'text', name: 'schedule-function', required: true});
  const input = h('input', {type: 'text', name: 'schedule-input', value: '{}'});
  const overlap = select(['skip', 'allow'], 'skip', {name: 'overlap'});
  const save = (event) => {
    event.preventDefault();
    act(`Schedule ${name.value} saved.`, () => api.putJson(api.path('/schedule', bucket, name.value), {
      cron: cron.value, timezone: timezone.value || 'UTC', function: fn.value, input: input.value, overlap: overlap.value,
    }));
  };

  const picker = await bucketPicker((chosen) => { bucket = chosen; refresh(); }, params.get('bucket'));
  root.append(
    h('div', {class: 'panel row'}, picker.element),
    list,
    h('section', {class: 'panel', 'aria-labelledby': 'new-schedule-heading'},
      h('h3', {id: 'new-schedule-heading'}, 'Create or replace a schedule'),
      h('form', {class: 'row', onsubmit: save, 'aria-label': 'Schedule'},
        field('Name', name), field('Cron', cron, 'Five fields, or six with seconds first; @hourly, @daily…'),
        field('Time zone', timezone), field('Function', fn), field('Input', input), field('Overlap', overlap),
        h('button', {type: 'submit'}, 'Save schedule'))),
    detail);
}
