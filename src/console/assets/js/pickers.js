// The bucket and function pickers most pages start with. The chosen bucket
// is remembered for the tab (sessionStorage; not a secret).
import * as api from './api.js';
import {field, h, select} from './dom.js';

const BUCKET_KEY = 'wasmfaas.console.bucket';

export function rememberedBucket() {
  return sessionStorage.getItem(BUCKET_KEY) ?? '';
}

export function rememberBucket(bucket) {
  if (bucket) sessionStorage.setItem(BUCKET_KEY, bucket);
}

// A select of the buckets; calls onChange(bucket) now and on each change.
// `preferred` (from the page's address) wins over the remembered bucket.
export async function bucketPicker(onChange, preferred) {
  const names = await api.buckets();
  let chosen = preferred || rememberedBucket();
  if (!names.includes(chosen)) chosen = names[0] ?? '';
  const control = select(names.length ? names : [['', 'no buckets']], chosen, {name: 'bucket'});
  control.addEventListener('change', () => {
    rememberBucket(control.value);
    onChange(control.value);
  });
  rememberBucket(chosen);
  queueMicrotask(() => onChange(chosen));
  return {element: field('Bucket', control), control, names};
}

// A select of a bucket's functions (refilled by fill(bucket)).
export function functionPicker(label = 'Function', onChange = () => {}) {
  const control = h('select', {name: 'function'});
  control.addEventListener('change', () => onChange(control.value));
  return {
    element: field(label, control),
    control,
    async fill(bucket, preferred) {
      const files = bucket ? await api.functions(bucket) : [];
      control.replaceChildren(...(files.length ? files.map((file) => h('option', {value: file.name}, file.name))
        : [h('option', {value: ''}, 'no functions')]));
      if (preferred && files.some((file) => file.name === preferred)) control.value = preferred;
      onChange(control.value);
      return files;
    },
  };
}
