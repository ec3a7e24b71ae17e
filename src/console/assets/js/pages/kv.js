// Key-value stores: page through a store's keys (by prefix), read, write
// and delete values. A bucket's stores are the ones its functions' configs
// name ("keyvalue": ["default"]).
import * as api from '../api.js';
import {bucketPicker} from '../pickers.js';
import {announce, clear, errorBox, field, h, table} from '../dom.js';

export async function render(root, params) {
  let bucket = '';
  let cursor = null;
  const store = h('input', {type: 'text', name: 'store', required: true, value: params.get('store') ?? 'default'});
  const prefix = h('input', {type: 'text', name: 'prefix'});
  const list = h('div', {});
  const more = h('button', {type: 'button', class: 'secondary', hidden: true}, 'Next page');
  const key = h('input', {type: 'text', name: 'kv-key', required: true});
  const value = h('textarea', {name: 'kv-value', spellcheck: 'false'});
  const outcome = h('div', {'aria-live': 'polite'});
  const storePath = (...rest) => api.path('/kv', bucket, store.value, ...rest);

  const load = async (next) => {
    if (!bucket || !store.value) return;
    try {
      const page = await api.get(`${storePath()}${api.query({prefix: prefix.value, cursor: next ? cursor : undefined, limit: 100})}`);
      cursor = page.cursor;
      more.hidden = !cursor;
      clear(list, table(`Keys of store ${store.value}`, ['Key', 'Actions'], page.keys.map((name) => [
        h('code', {}, name),
        [h('button', {type: 'button', class: 'small secondary', 'aria-label': `Open key ${name}`, onclick: () => open(name)}, 'Open'),
          h('button', {type: 'button', class: 'small danger', 'aria-label': `Delete key ${name}`, onclick: () => remove(name)}, 'Delete')],
      ]), 'No keys (with this prefix) in this store.'));
    } catch (error) {
      clear(list, errorBox(error));
    }
  };
  const open = async (name) => {
    const answer = await api.send('GET', storePath(name));
    if (!answer.ok) { clear(outcome, errorBox({status: answer.status, message: answer.json?.error ?? answer.text})); return; }
    key.value = name;
    value.value = answer.text;
    clear(outcome);
    value.focus();
  };
  const remove = async (name) => {
    if (!window.confirm(`Delete key ${name}?`)) return;
    try {
      await api.call('DELETE', storePath(name));
      announce(`Deleted ${name}.`);
      await load(false);
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  const save = async (event) => {
    event.preventDefault();
    try {
      const stored = await api.call('PUT', storePath(key.value), {body: value.value, type: 'application/octet-stream'});
      clear(outcome, h('div', {class: 'message ok'}, `Stored ${stored.key} (${stored.bytes} bytes).`));
      await load(false);
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  more.addEventListener('click', () => load(true));

  const picker = await bucketPicker((chosen) => { bucket = chosen; load(false); }, params.get('bucket'));
  root.append(
    h('form', {class: 'panel row', 'aria-label': 'Choose a store', onsubmit: (event) => { event.preventDefault(); load(false); }},
      picker.element, field('Store', store), field('Key prefix', prefix), h('button', {type: 'submit'}, 'List keys')),
    list, more,
    h('section', {class: 'panel', 'aria-labelledby': 'value-heading'},
      h('h3', {id: 'value-heading'}, 'Read or write a value'),
      h('form', {onsubmit: save, 'aria-label': 'Key and value'},
        field('Key', key), field('Value', value),
        h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Save value'))),
      outcome));
}
