// Small DOM helpers. Text always goes in as text (textContent), never as
// HTML, so nothing a function prints or a server returns becomes markup.

let nextId = 0;

// A unique id for pairing a label with its control.
export function uid(prefix = 'f') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// h('button', {class: 'small', onclick: f}, 'Text', child...)
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  setProps(element, props);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, props = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setProps(element, props);
  append(element, children);
  return element;
}

function setProps(element, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      element[name] = value;
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function clear(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

// A labelled control: {label, control, hint}. The control gets an id.
export function field(label, control, hint) {
  if (!control.id) control.id = uid();
  const parts = [h('label', {for: control.id}, label), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('span', {class: 'hint', id: hintId}, hint));
  }
  return h('div', {class: 'field'}, parts);
}

export function select(options, value, props = {}) {
  const element = h('select', props);
  for (const option of options) {
    const [optionValue, text] = Array.isArray(option) ? option : [option, option];
    element.append(h('option', {value: optionValue, selected: optionValue === value}, text));
  }
  return element;
}

// A table: columns are header texts; rows are arrays of cells (text or nodes).
export function table(caption, columns, rows, emptyText = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', {class: 'empty'}, emptyText);
  return h('table', {},
    h('caption', {class: 'visually-hidden'}, caption),
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', {scope: 'col'}, column)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, index) =>
      cell instanceof HTMLElement && cell.tagName === 'TD' ? cell
        : h('td', {class: index === columns.length - 1 && columns[index] === 'Actions' ? 'actions' : null},
          cell))))));
}

export function errorBox(error) {
  return h('div', {class: 'message error', role: 'alert'}, messageOf(error));
}

export function okBox(text) {
  return h('div', {class: 'message ok'}, text);
}

export function messageOf(error) {
  if (!error) return '';
  if (error.status) return `${error.status}: ${error.message}`;
  return error.message ?? String(error);
}

// Announces `text` in the page's live region for a few seconds.
let statusTimer;
export function announce(text) {
  const region = document.getElementById('status');
  clear(region, h('p', {}, text));
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => region.replaceChildren(), 6000);
}

export function formatBytes(bytes) {
  if (bytes === undefined || bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatTime(text) {
  if (!text) return '';
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toLocaleString();
}

export function shortId(id) {
  return id && id.length > 12 ? `${id.slice(0, 12)}…` : id ?? '';
}

// A <pre> that shows text or JSON, pretty-printed when it parses.
export function pre(text, label) {
  let shown = text ?? '';
  if (typeof shown !== 'string') shown = JSON.stringify(shown, null, 2);
  else {
    try { shown = JSON.stringify(JSON.parse(shown), null, 2); } catch { /* text as is */ }
  }
  return h('pre', {'aria-label': label, tabindex: '0'}, shown);
}

// Runs page actions: act(what, action) awaits `action`, announces `what`
// and calls `after`; an error is shown in `errors` instead.
export function actionRunner(errors, after) {
  return async (what, action) => {
    try {
      await action();
      announce(what);
      await after();
    } catch (error) {
      clear(errors, errorBox(error));
    }
  };
}
