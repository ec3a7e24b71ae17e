// Pipelines: a bucket's pipelines; view and edit one's steps, delete it,
// run it on an input with the trace of each step.
import * as api from '../api.js';
import {bucketPicker} from '../pickers.js';
import {announce, clear, errorBox, field, h, pre, shortId, table} from '../dom.js';

export async function render(root, params) {
  let bucket = '';
  const list = h('div', {});
  const editor = h('div', {});

  const refresh = async (selected) => {
    clear(list);
    if (!bucket) return;
    try {
      const {pipelines} = await api.get(api.path('/pipeline', bucket));
      clear(list, table(`Pipelines of ${bucket}`, ['Name', 'Actions'], pipelines.map((name) => [
        h('code', {}, name),
        h('button', {type: 'button', class: 'small secondary', 'aria-label': `Open pipeline ${name}`,
          onclick: () => open(name)}, 'Open'),
      ]), 'No pipelines in this bucket yet.'));
      if (selected) await open(selected);
    } catch (error) {
      clear(list, errorBox(error));
    }
  };

  const open = async (name) => {
    let steps = [];
    if (name) {
      try {
        steps = (await api.get(api.path('/pipeline', bucket, name))).steps;
      } catch (error) {
        clear(editor, errorBox(error));
        return;
      }
    }
    clear(editor, pipelineEditor(bucket, name, steps, refresh));
  };

  const picker = await bucketPicker((chosen) => {
    bucket = chosen;
    clear(editor);
    refresh(params.get('name'));
  }, params.get('bucket'));

  root.append(
    h('div', {class: 'panel row'}, picker.element,
      h('button', {type: 'button', class: 'secondary', onclick: () => open('')}, 'New pipeline')),
    list, editor);
}

function pipelineEditor(bucket, name, steps, refresh) {
  const nameInput = h('input', {type: 'text', name: 'pipeline-name', required: true, value: name, readonly: Boolean(name)});
  const stepsInput = h('textarea', {name: 'steps', class: 'steps', spellcheck: 'false'});
  stepsInput.value = steps.join('\n');
  const outcome = h('div', {'aria-live': 'polite'});
  const input = h('textarea', {name: 'pipeline-input', spellcheck: 'false'});
  input.value = '{"name":"World"}';
  const trace = h('div', {'aria-live': 'polite'});

  const save = async (event) => {
    event.preventDefault();
    const list = stepsInput.value.split('\n').map((line) => line.trim()).filter(Boolean);
    try {
      await api.putJson(api.path('/pipeline', bucket, nameInput.value), {steps: list});
      announce(`Saved pipeline ${nameInput.value}.`);
      await refresh(nameInput.value);
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete pipeline ${name}?`)) return;
    try {
      await api.del(api.path('/pipeline', bucket, name));
      announce(`Deleted pipeline ${name}.`);
      await refresh();
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  const run = async (event) => {
    event.preventDefault();
    clear(trace, h('p', {}, 'Running…'));
    const answer = await api.send('POST', `${api.path('/pipeline', bucket, name, 'exec')}?trace=1`,
      {body: input.value, type: 'application/json'});
    if (!answer.ok) { clear(trace, errorBox({status: answer.status, message: answer.json?.error ?? answer.text})); return; }
    const result = answer.json;
    clear(trace,
      h('h4', {}, 'Output'), pre(result.output, 'Pipeline output'),
      h('h4', {}, 'Trace'),
      table('Steps of the run', ['Step', 'Version', 'Milliseconds', 'Output'], result.steps.map((step) => [
        h('code', {}, step.key), h('code', {title: step.version}, shortId(step.version)),
        Number(step.ms).toFixed(2), pre(step.output, `Output of ${step.key}`),
      ])));
  };

  return h('section', {class: 'panel', 'aria-labelledby': 'pipeline-heading'},
    h('h3', {id: 'pipeline-heading', tabindex: '-1'}, name ? `Pipeline ${name}` : 'New pipeline'),
    h('form', {onsubmit: save, 'aria-label': 'Pipeline definition'},
      field('Name', nameInput),
      field('Steps', stepsInput, 'One per line: a function of this bucket, key or key@version; each step\'s output is the next one\'s input.'),
      h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Save'),
        name ? h('button', {type: 'button', class: 'danger', onclick: remove}, 'Delete') : null),
      outcome),
    name ? h('form', {onsubmit: run, 'aria-label': 'Run the pipeline'},
      h('h4', {}, 'Run'), field('Input', input),
      h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Run with trace')), trace) : null);
}
