// The console's entry point: sign-in, the page router (#/functions, ...)
// and the header. Each page is a module exporting render(main, params).
import * as api from './api.js';
import {clear, errorBox, field, h} from './dom.js';

const PAGES = {
  functions: () => import('./pages/functions.js'),
  invoke: () => import('./pages/invoke.js'),
  logs: () => import('./pages/logs.js'),
  pipelines: () => import('./pages/pipelines.js'),
  jobs: () => import('./pages/jobs.js'),
  schedules: () => import('./pages/schedules.js'),
  kv: () => import('./pages/kv.js'),
  metrics: () => import('./pages/metrics.js'),
};
const TITLES = {
  functions: 'Functions', invoke: 'Invoke', logs: 'Invocation logs', pipelines: 'Pipelines',
  jobs: 'Jobs', schedules: 'Schedules', kv: 'Key-value stores', metrics: 'Metrics',
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
const serverInfo = document.getElementById('server-info');
let signedIn = false;
let leavePage = null;

// "#/invoke?bucket=b&key=k" -> {page: 'invoke', params: URLSearchParams}
function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, search = ''] = hash.split('?');
  return {page: PAGES[name] ? name : 'functions', params: new URLSearchParams(search)};
}

async function showPage() {
  if (!signedIn) return;
  const {page, params} = currentRoute();
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[page]} · wasmfaas console`;
  if (leavePage) leavePage();
  leavePage = null;
  document.getElementById('status').replaceChildren();
  const heading = h('h2', {tabindex: '-1'}, TITLES[page]);
  const body = h('div', {class: 'page', 'data-page': page});
  clear(main, heading, body);
  try {
    const module = await PAGES[page]();
    leavePage = (await module.render(body, params)) ?? null;
  } catch (error) {
    body.append(errorBox(error));
  }
  main.dataset.ready = page;
  if (document.activeElement === document.body || document.activeElement === null) heading.focus();
}

function showSignIn(message) {
  signedIn = false;
  nav.hidden = true;
  signOut.hidden = true;
  if (leavePage) leavePage();
  leavePage = null;
  document.title = 'Sign in · wasmfaas console';
  const input = h('input', {type: 'password', name: 'token', autocomplete: 'off', required: true,
    spellcheck: 'false'});
  const problem = h('div', {'aria-live': 'assertive'});
  if (message) problem.append(errorBox(message));
  const form = h('form', {class: 'signin panel', method: 'post', action: '#'},
    h('p', {}, 'This server needs an API token. It is kept in this tab only (session storage) ',
      'and sent with each request as Authorization: Bearer.'),
    field('API token', input, 'As printed by: wasmfaas token create --scope admin'),
    h('div', {class: 'row'}, h('button', {type: 'submit'}, 'Sign in')),
    problem);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    const result = await api.send('GET', '/bucket', {secret});
    if (result.status === 401) {
      clear(problem, errorBox('The server did not accept this token.'));
      input.focus();
      return;
    }
    api.setToken(secret);
    input.value = '';
    enter();
  });
  clear(main, h('h2', {tabindex: '-1'}, 'Sign in'), form);
  main.dataset.ready = 'signin';
  input.focus();
}

function enter() {
  signedIn = true;
  nav.hidden = false;
  signOut.hidden = !api.token();
  showPage();
}

async function start() {
  api.onUnauthenticated(() => {
    if (!signedIn && api.token() === null) return;
    api.setToken(null);
    showSignIn('Your token was refused: sign in again.');
  });
  signOut.addEventListener('click', () => {
    api.setToken(null);
    location.hash = '#/functions';
    boot();
  });
  window.addEventListener('hashchange', showPage);
  try {
    const version = await api.get('/version');
    serverInfo.textContent = `wasmfaas ${version.wasmfaas} · Wasmtime ${version.wasmtime}`;
  } catch (error) {
    serverInfo.textContent = 'The server does not answer.';
  }
  boot();
}

// Opens the console directly when the server (or the stored token) lets
// this tab in; asks for a token when it answers 401.
async function boot() {
  const probe = await api.send('GET', '/bucket', {secret: api.token() ?? ''});
  if (probe.status === 401) {
    api.setToken(null);
    showSignIn();
    return;
  }
  enter();
}

start();
