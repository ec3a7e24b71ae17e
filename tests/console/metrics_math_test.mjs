// The console's metrics arithmetic under Node (no browser): the Prometheus
// text parser, histogram_quantile, and the rates and percentiles the charts
// draw (src/console/assets/js/prometheus.js, metrics_history.js).
//
//   node --test tests/console/metrics_math_test.mjs
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {derive, summarize} from '../../src/console/assets/js/metrics_history.js';
import {histogramQuantile, parsePrometheus} from '../../src/console/assets/js/prometheus.js';

test('parses names, labels with escapes, values and infinities', () => {
  const samples = parsePrometheus([
    '# HELP wasmfaas_executions_total Function executions',
    '# TYPE wasmfaas_executions_total counter',
    'wasmfaas_executions_total{bucket="b",key="say \\"hi\\"\\\\n",outcome="ok"} 42',
    'wasmfaas_execution_duration_seconds_bucket{le="+Inf"} 7 1700000000000',
    'process_open_fds 12',
    '',
  ].join('\n'));
  assert.equal(samples.length, 3);
  assert.deepEqual(samples[0], {name: 'wasmfaas_executions_total',
    labels: {bucket: 'b', key: 'say "hi"\\n', outcome: 'ok'}, value: 42});
  assert.equal(samples[1].labels.le, '+Inf');
  assert.equal(samples[1].value, 7);
  assert.deepEqual(samples[2], {name: 'process_open_fds', labels: {}, value: 12});
});

test('histogramQuantile interpolates inside the bucket as Prometheus does', () => {
  const buckets = [{le: 0.1, count: 50}, {le: 0.2, count: 90}, {le: 0.4, count: 100}, {le: Infinity, count: 100}];
  assert.equal(histogramQuantile(0.5, buckets), 0.1);
  assert.ok(Math.abs(histogramQuantile(0.7, buckets) - 0.15) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(0.95, buckets) - 0.3) < 1e-12);
  assert.equal(histogramQuantile(0.5, [{le: 0.1, count: 0}, {le: Infinity, count: 0}]), null);
  // Observations beyond the last finite bound: the bound.
  assert.equal(histogramQuantile(0.99, [{le: 0.1, count: 1}, {le: Infinity, count: 10}]), 0.1);
});

function metricsText(ok, failed, buckets, http5xx) {
  return [
    `wasmfaas_executions_total{bucket="b",key="f",outcome="ok"} ${ok}`,
    `wasmfaas_executions_total{bucket="b",key="f",outcome="trap"} ${failed}`,
    ...buckets.map(([le, count]) => `wasmfaas_execution_duration_seconds_bucket{bucket="b",key="f",le="${le}"} ${count}`),
    `wasmfaas_http_requests_total{route="exec",method="POST",status="500"} ${http5xx}`,
    `wasmfaas_http_requests_total{route="exec",method="POST",status="200"} ${ok}`,
    'wasmfaas_instances_in_use 2',
    'wasmfaas_jobs{status="dead"} 3',
  ].join('\n');
}

test('rates and percentiles over the window before each sample', () => {
  const samples = [
    summarize(metricsText(10, 1, [['0.001', 5], ['0.01', 10], ['+Inf', 11]], 1), 0),
    summarize(metricsText(30, 3, [['0.001', 5], ['0.01', 30], ['+Inf', 33]], 2), 2000),
  ];
  assert.equal(samples[1].executions, 33);
  assert.equal(samples[1].errors, 3);
  assert.equal(samples[1].gauges.instances, 2);
  assert.equal(samples[1].gauges.jobs.dead, 3);
  const first = derive(samples, 0);
  assert.equal(first.rate, null);  // nothing to compare with yet
  const second = derive(samples, 1);
  assert.equal(second.rate, 11);  // 22 executions in 2 s
  assert.equal(second.errorRate, 1);
  assert.equal(second.http5xxRate, 0.5);
  // The 22 new observations all fell in (1 ms, 10 ms]; the median is at 11 of 20
  // in that bucket, after the 0 new ones below it.
  assert.ok(Math.abs(second.p50 - (1 + 9 * (11 / 20))) < 1e-9, `p50 ${second.p50}`);
  assert.equal(second.p99, 10);  // two observations beyond 10 ms: the last finite bound
});

test('a counter reset (a restarted server) gives no point, not a negative rate', () => {
  const samples = [
    summarize(metricsText(100, 0, [['+Inf', 100]], 0), 0),
    summarize(metricsText(5, 0, [['+Inf', 5]], 0), 2000),
  ];
  assert.equal(derive(samples, 1).rate, null);
});
