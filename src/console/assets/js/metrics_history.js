// Polls GET /metrics every few seconds while the console is open and keeps
// the last minutes in memory (nothing stored): per sample, the totals the
// charts derive rates and latency percentiles from.
import * as api from './api.js';
import {histogramQuantile, parsePrometheus} from './prometheus.js';

export const POLL_MS = 2000;
export const KEEP_MS = 10 * 60 * 1000;
// Rates and percentiles over the samples of this trailing window.
export const WINDOW_MS = 10 * 1000;

const samples = [];
const listeners = new Set();
let timer = null;
let lastError = null;

// What one /metrics answer is reduced to.
export function summarize(text, time) {
  let executions = 0;
  let errors = 0;
  let http5xx = 0;
  const buckets = new Map();
  const gauges = {inFlight: 0, instances: 0, residentBytes: null, jobs: {}};
  for (const {name, labels, value} of parsePrometheus(text)) {
    if (name === 'wasmfaas_executions_total') {
      executions += value;
      if (labels.outcome !== 'ok') errors += value;
    } else if (name === 'wasmfaas_execution_duration_seconds_bucket') {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + value);
    } else if (name === 'wasmfaas_http_requests_total' && String(labels.status).startsWith('5')) {
      http5xx += value;
    } else if (name === 'wasmfaas_http_requests_in_flight') {
      gauges.inFlight += value;
    } else if (name === 'wasmfaas_instances_in_use') {
      gauges.instances += value;
    } else if (name === 'process_resident_memory_bytes') {
      gauges.residentBytes = value;
    } else if (name === 'wasmfaas_jobs') {
      gauges.jobs[labels.status] = value;
    }
  }
  const histogram = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({le, count}));
  return {time, executions, errors, http5xx, histogram, gauges};
}

// The chart points of sample `index`: per-second rates and percentiles (ms)
// against the oldest sample within WINDOW_MS before it.
export function derive(list, index) {
  const current = list[index];
  let base = null;
  for (let j = index - 1; j >= 0; j -= 1) {
    if (current.time - list[j].time > WINDOW_MS) break;
    base = list[j];
  }
  if (!base) return {time: current.time, rate: null, errorRate: null, http5xxRate: null, p50: null, p95: null, p99: null};
  const seconds = (current.time - base.time) / 1000;
  const rate = (a, b) => (a >= b ? (a - b) / seconds : null);  // a counter reset: no point
  const difference = current.histogram.map((bucket) => ({
    le: bucket.le,
    count: bucket.count - (base.histogram.find((old) => old.le === bucket.le)?.count ?? 0),
  }));
  const quantile = (q) => {
    const seconds_ = histogramQuantile(q, difference);
    return seconds_ === null ? null : seconds_ * 1000;
  };
  return {
    time: current.time,
    rate: rate(current.executions, base.executions),
    errorRate: rate(current.errors, base.errors),
    http5xxRate: rate(current.http5xx, base.http5xx),
    p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99),
  };
}

export function history() {
  return samples;
}

export function error() {
  return lastError;
}

export function points() {
  return samples.map((_, index) => derive(samples, index));
}

async function poll() {
  try {
    const answer = await api.send('GET', '/metrics');
    if (!answer.ok) throw new Error(answer.json?.error ?? `HTTP ${answer.status}`);
    const now = Date.now();
    samples.push(summarize(answer.text, now));
    while (samples.length && now - samples[0].time > KEEP_MS) samples.shift();
    lastError = null;
  } catch (problem) {
    lastError = problem;
  }
  for (const listener of listeners) listener();
}

// Starts polling (once) and calls `listener` after each poll; returns the
// function that stops calling it (polling goes on, keeping the history).
export function subscribe(listener) {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(poll, POLL_MS);
    poll();
  }
  return () => listeners.delete(listener);
}
