// Metrics: charts of the execution rate, latency percentiles and errors
// over the last minutes (up to five), computed in the browser from GET /metrics polled
// every few seconds (metrics_history.js); the current gauges beside them.
import {lineChart} from '../chart.js';
import {clear, errorBox, formatBytes, h} from '../dom.js';
import * as metrics from '../metrics_history.js';

const SHOWN_MS = 5 * 60 * 1000;
const MIN_SHOWN_MS = 60 * 1000;

export function render(root) {
  const charts = h('div', {class: 'charts'});
  const facts = h('div', {});
  const problem = h('div', {'aria-live': 'polite'});
  root.append(
    h('p', {}, `Sampled every ${metrics.POLL_MS / 1000} s from /metrics while the console is open; `,
      `rates and percentiles over the last ${metrics.WINDOW_MS / 1000} s at each sample.`),
    problem, charts, h('h3', {}, 'Now'), facts);

  const draw = () => {
    const error = metrics.error();
    clear(problem, error ? errorBox(error) : null);
    const points = metrics.points();
    const now = Date.now();
    // The last 5 minutes, or less while the console has been open less
    // long (at least one), so that a fresh history is not a sliver.
    const first = metrics.history()[0];
    const windowMs = Math.min(SHOWN_MS, Math.max(MIN_SHOWN_MS, first ? now - first.time : 0));
    const series = (name, key) => ({name, points: points.map((p) => ({time: p.time, value: p[key]}))});
    clear(charts,
      h('div', {class: 'grid2'},
        lineChart({id: 'chart-rate', title: 'Executions', unit: 'per s', windowMs, now,
          series: [series('executions', 'rate')]}),
        lineChart({id: 'chart-latency', title: 'Execution latency', unit: 'ms', windowMs, now,
          series: [series('p50', 'p50'), series('p95', 'p95'), series('p99', 'p99')]}),
        lineChart({id: 'chart-errors', title: 'Errors', unit: 'per s', windowMs, now,
          series: [series('failed executions', 'errorRate'), series('HTTP 5xx answers', 'http5xxRate')]})));
    const last = metrics.history().at(-1);
    if (!last) { clear(facts, h('p', {class: 'empty'}, 'Waiting for the first sample…')); return; }
    const jobs = Object.entries(last.gauges.jobs).map(([status, count]) => `${status} ${count}`).join(', ');
    clear(facts, h('dl', {class: 'facts'},
      h('dt', {}, 'Executions since start'), h('dd', {}, String(last.executions)),
      h('dt', {}, 'Failed executions since start'), h('dd', {}, String(last.errors)),
      h('dt', {}, 'HTTP requests in flight'), h('dd', {}, String(last.gauges.inFlight)),
      h('dt', {}, 'Function instances in use'), h('dd', {}, String(last.gauges.instances)),
      h('dt', {}, 'Resident memory'), h('dd', {}, last.gauges.residentBytes === null ? 'unknown' : formatBytes(last.gauges.residentBytes)),
      h('dt', {}, 'Jobs'), h('dd', {}, jobs || 'none')));
  };
  draw();
  return metrics.subscribe(draw);
}
