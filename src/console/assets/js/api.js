// The console's only way to the server: same-origin fetch with the token
// (if any) as `Authorization: Bearer`. The token lives in this tab's
// sessionStorage only: never in a URL, never in a cookie.

const TOKEN_KEY = 'wasmfaas.console.token';

export class ApiError extends Error {
  constructor(result) {
    const body = result.json;
    super(body && body.error ? body.error : (result.text || `HTTP ${result.status}`));
    this.status = result.status;
    this.code = body && body.code;
    this.result = result;
  }
}

let unauthenticatedHandler = () => {};

export function onUnauthenticated(handler) {
  unauthenticatedHandler = handler;
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// "/file/" + the bucket + the key, each segment percent-encoded (keys may
// hold '/').
export function path(...parts) {
  return parts.map((part) => String(part).split('/').map(encodeURIComponent).join('/')).join('/');
}

export function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}

// The answer, whatever its status: {status, ok, headers, text, json}.
export async function send(method, target, {body, type, headers = {}, secret} = {}) {
  const sent = new Headers(headers);
  const bearer = secret ?? token();
  if (bearer) sent.set('Authorization', `Bearer ${bearer}`);
  if (body !== undefined && type) sent.set('Content-Type', type);
  const response = await fetch(target, {
    method, headers: sent, body, credentials: 'omit', cache: 'no-store', redirect: 'error',
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const result = {status: response.status, ok: response.ok, headers: response.headers, text, json};
  if (response.status === 401 && secret === undefined) unauthenticatedHandler(result);
  return result;
}

// The JSON body of a successful answer; ApiError otherwise.
export async function call(method, target, options) {
  const result = await send(method, target, options);
  if (!result.ok) throw new ApiError(result);
  return result.json ?? result.text;
}

export const get = (target) => call('GET', target);
export const del = (target) => call('DELETE', target);
export const putJson = (target, value) =>
  call('PUT', target, {body: JSON.stringify(value), type: 'application/json'});
export const postJson = (target, value) =>
  call('POST', target, {body: value === undefined ? undefined : JSON.stringify(value),
    type: value === undefined ? undefined : 'application/json'});

// Buckets and functions, shared by most pages.
export async function buckets() {
  return (await get('/bucket')).buckets.map((bucket) => bucket.name);
}

export async function functions(bucket) {
  return (await get(path('/bucket', bucket))).files;
}

// A function's aliases, or null when the server has no alias routes.
export async function aliases(bucket, key) {
  const result = await send('GET', path('/aliases', bucket, key));
  if (result.status === 404 && result.json && result.json.code === 'route_not_found') return null;
  if (!result.ok) throw new ApiError(result);
  return result.json.aliases;
}
