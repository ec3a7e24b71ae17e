// Functions: a bucket's functions, upload by drag and drop (or the file
// picker), and one function's versions and aliases: rollback, delete a
// version, set an alias and its canary.
import * as api from '../api.js';
import {bucketPicker} from '../pickers.js';
import {announce, clear, errorBox, field, formatBytes, formatTime, h, okBox, select, shortId, table} from '../dom.js';

export async function render(root, params) {
  const listArea = h('div', {});
  const detailArea = h('div', {});
  let bucket = '';

  // `notice`: what the last action did, shown in the re-rendered detail.
  const refreshList = async (selectKey, notice) => {
    clear(listArea);
    if (!bucket) {
      listArea.append(h('p', {class: 'empty'}, 'No bucket yet: create one above.'));
      return;
    }
    try {
      const files = await api.functions(bucket);
      clear(listArea, table(`Functions of bucket ${bucket}`,
        ['Name', 'Size', 'Current version', 'Modified', 'Actions'],
        files.map((file) => [
          h('code', {}, file.name), formatBytes(file.size), h('code', {title: file.version}, shortId(file.version)),
          formatTime(file.modified),
          [h('button', {type: 'button', class: 'small secondary', 'aria-label': `Versions of ${file.name}`,
            onclick: () => showDetail(file.name)}, 'Versions'),
          h('a', {href: `#/invoke?bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(file.name)}`}, 'Invoke')],
        ]), 'No functions in this bucket yet: upload one above.'));
      if (selectKey) await showDetail(selectKey, notice);
    } catch (error) {
      clear(listArea, errorBox(error));
    }
  };

  const showDetail = async (key, notice) => {
    clear(detailArea, h('p', {}, `Loading ${key}…`));
    try {
      clear(detailArea, await functionDetail(bucket, key, notice, {
        changed: (what) => refreshList(key, what),
        hidden: () => { clear(detailArea); refreshList(); },
      }));
      if (!notice) detailArea.querySelector('h3')?.focus();
    } catch (error) {
      clear(detailArea, errorBox(error));
    }
  };

  const picker = await bucketPicker((chosen) => {
    bucket = chosen;
    clear(detailArea);
    refreshList(params.get('key'));
  }, params.get('bucket'));

  const newBucket = h('input', {type: 'text', name: 'new-bucket', pattern: '[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]'});
  const createBucket = async (event) => {
    event.preventDefault();
    try {
      await api.call('PUT', api.path('/bucket', newBucket.value));
      announce(`Bucket ${newBucket.value} created.`);
      location.hash = `#/functions?bucket=${encodeURIComponent(newBucket.value)}`;
    } catch (error) {
      announce(`Could not create the bucket: ${error.message}`);
    }
  };

  root.append(
    h('section', {class: 'panel', 'aria-labelledby': 'bucket-heading'},
      h('h3', {id: 'bucket-heading'}, 'Bucket'),
      h('div', {class: 'row'}, picker.element,
        h('form', {class: 'row', onsubmit: createBucket},
          field('New bucket', newBucket), h('button', {type: 'submit', class: 'secondary'}, 'Create bucket')))),
    uploadPanel(() => bucket, (key) => refreshList(key)),
    h('section', {'aria-labelledby': 'functions-heading'}, h('h3', {id: 'functions-heading'}, 'Functions'), listArea),
    detailArea);
}

// The upload form: a drop zone that is also the file picker's label.
function uploadPanel(currentBucket, uploaded) {
  let file = null;
  const fileInput = h('input', {type: 'file', name: 'component', accept: '.wasm,application/wasm'});
  const chosen = h('p', {class: 'hint', 'aria-live': 'polite'}, 'No file chosen.');
  const name = h('input', {type: 'text', name: 'function-name', required: true});
  const outcome = h('div', {});
  const choose = (picked) => {
    if (!picked) return;
    file = picked;
    chosen.textContent = `Chosen: ${picked.name} (${formatBytes(picked.size)})`;
    if (!name.value) name.value = picked.name.replace(/\.wasm$/, '');
  };
  fileInput.addEventListener('change', () => choose(fileInput.files[0]));
  const zone = h('label', {class: 'dropzone', for: fileInput.id || (fileInput.id = 'upload-file')},
    h('strong', {}, 'Drop a .wasm component here'), h('span', {}, 'or choose a file:'), fileInput, chosen);
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add('dragging'); });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const files = event.dataTransfer?.files;
    if (files && files.length) {
      fileInput.files = files;  // the picker shows the dropped file too
      choose(files[0]);
    }
  });
  const submit = async (event) => {
    event.preventDefault();
    const bucket = currentBucket();
    if (!file) { clear(outcome, errorBox('Choose or drop a .wasm file first.')); return; }
    if (!bucket) { clear(outcome, errorBox('Create a bucket first.')); return; }
    clear(outcome, h('p', {}, `Uploading ${file.name}: the server compiles it first…`));
    try {
      const stored = await api.call('POST', api.path('/file', bucket, name.value), {body: file, type: 'application/wasm'});
      clear(outcome, h('div', {class: 'message ok'}, `Uploaded ${bucket}/${stored.name}: version `, h('code', {}, stored.version)));
      announce(`Uploaded ${stored.name}.`);
      uploaded(stored.name);
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  return h('section', {class: 'panel', 'aria-labelledby': 'upload-heading'},
    h('h3', {id: 'upload-heading'}, 'Upload a function'),
    h('form', {onsubmit: submit},
      h('div', {class: 'row'}, zone,
        h('div', {}, field('Function name', name, 'A new version if it exists'),
          h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Upload')))),
      outcome));
}

// One function: versions (roll back to, delete) and aliases (set, canary, delete).
async function functionDetail(bucket, key, notice, {changed, hidden}) {
  const target = api.path(bucket, key);
  const [{versions}, aliases] = await Promise.all([
    api.get(`/file/${target}?versions`),
    api.aliases(bucket, key),
  ]);
  const outcome = h('div', {'aria-live': 'polite'}, notice ? okBox(notice) : null);
  const act = async (what, action, after = changed) => {
    try {
      await action();
      announce(what);
      await after(what);
    } catch (error) {
      clear(outcome, errorBox(error));
    }
  };
  const aliasesOf = (version) => (aliases ?? []).flatMap((alias) => [
    alias.version === version ? alias.name : null,
    alias.canary && alias.canary.version === version ? `${alias.name} (canary ${alias.canary.weight}%)` : null,
  ]).filter(Boolean);

  const versionRows = versions.map((entry) => [
    h('code', {title: entry.version}, shortId(entry.version)),
    formatTime(entry.created), formatBytes(entry.size),
    [entry.latest ? h('span', {class: 'badge latest'}, 'current') : null,
      aliasesOf(entry.version).map((name) => h('span', {class: 'badge'}, name))],
    [entry.latest ? null : h('button', {type: 'button', class: 'small secondary',
      'aria-label': `Roll back to this version, ${entry.version}`,
      onclick: () => act(`Rolled ${key} back to ${shortId(entry.version)}.`,
        () => api.postJson(`/rollback/${target}`, {to: entry.version}))}, 'Roll back to this'),
    h('button', {type: 'button', class: 'small danger', 'aria-label': `Delete version ${entry.version}`,
      onclick: () => {
        if (!window.confirm(`Delete version ${entry.version} of ${key} for good?`)) return;
        act(`Deleted version ${shortId(entry.version)}.`,
          () => api.del(`/file/${target}?version=${encodeURIComponent(entry.version)}`));
      }}, 'Delete')],
  ]);

  const section = h('section', {class: 'panel', 'aria-labelledby': 'detail-heading'},
    h('h3', {id: 'detail-heading', tabindex: '-1'}, `${bucket}/${key}`),
    h('div', {class: 'row'},
      h('button', {type: 'button', disabled: versions.length < 2,
        onclick: () => act(`Rolled ${key} back to the version before the current one.`,
          () => api.postJson(`/rollback/${target}`))}, 'Roll back to the previous version'),
      h('a', {href: `#/invoke?bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(key)}`}, 'Invoke it'),
      h('a', {href: `#/logs?bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(key)}`}, 'Its logs'),
      h('button', {type: 'button', class: 'danger', onclick: () => {
        if (!window.confirm(`Hide ${key}? Its versions stay and can still be run by version.`)) return;
        act(`Hid ${key}.`, () => api.del(`/file/${target}`), hidden);
      }}, 'Hide function')),
    outcome,
    h('h4', {}, 'Versions (newest first)'),
    table(`Versions of ${key}`, ['Version', 'Created', 'Size', 'Current and aliases', 'Actions'], versionRows),
    aliasSection(bucket, key, versions, aliases, act));
  return section;
}

function aliasSection(bucket, key, versions, aliases, act) {
  const heading = h('h4', {}, 'Aliases');
  if (aliases === null) {
    return h('div', {}, heading, h('p', {class: 'empty'}, 'This server has no alias routes.'));
  }
  const target = api.path(bucket, key);
  const rows = aliases.map((alias) => [
    h('code', {}, alias.name), h('code', {title: alias.version}, shortId(alias.version)),
    alias.canary ? [h('code', {title: alias.canary.version}, shortId(alias.canary.version)), ` at ${alias.canary.weight}%`] : 'none',
    h('button', {type: 'button', class: 'small danger', 'aria-label': `Delete alias ${alias.name}`,
      onclick: () => act(`Deleted alias ${alias.name}.`,
        () => api.del(`/aliases/${target}?name=${encodeURIComponent(alias.name)}`))}, 'Delete'),
  ]);
  const versionOptions = versions.map((entry) => [entry.version,
    `${shortId(entry.version)} · ${formatTime(entry.created)}${entry.latest ? ' (current)' : ''}`]);
  const name = h('input', {type: 'text', name: 'alias-name', required: true, pattern: '[a-z0-9_\\-]{1,64}', value: 'prod'});
  const version = select(versionOptions, versions[0]?.version, {name: 'alias-version'});
  const canary = select([['', 'none'], ...versionOptions], '', {name: 'canary-version'});
  const weight = h('input', {type: 'number', name: 'canary-weight', min: '0', max: '100', step: '1', value: '10'});
  const save = (event) => {
    event.preventDefault();
    const body = {version: version.value};
    if (canary.value) body.canary = {version: canary.value, weight: Number(weight.value)};
    act(`Alias ${name.value} now runs ${shortId(version.value)}${canary.value ? ` with a ${weight.value}% canary` : ''}.`,
      () => api.putJson(`/aliases/${target}?name=${encodeURIComponent(name.value)}`, body));
  };
  return h('div', {},
    heading,
    table(`Aliases of ${key}`, ['Alias', 'Version', 'Canary', 'Actions'], rows, 'No aliases yet.'),
    h('form', {class: 'row', onsubmit: save, 'aria-label': 'Set an alias'},
      field('Alias name', name), field('Version', version), field('Canary version', canary),
      field('Canary weight (%)', weight), h('button', {type: 'submit'}, 'Save alias')));
}
