// A line chart in SVG (a few dozen lines instead of a charting library):
// time on x over a fixed window ending now, one polyline per series, gaps
// where a value is null, y from 0 to a rounded maximum.
import {h, svg} from './dom.js';

const WIDTH = 520;
const HEIGHT = 200;
const LEFT = 48;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;

function niceMaximum(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

function format(value) {
  if (value === null || value === undefined) return 'no data';
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

// lineChart({id, title, unit, windowMs, now, series: [{name, points: [{time, value}]}]})
export function lineChart({id, title, unit, windowMs, now, series}) {
  const start = now - windowMs;
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v !== null && Number.isFinite(v));
  const max = niceMaximum(Math.max(0, ...values));
  const x = (time) => LEFT + ((time - start) / windowMs) * (WIDTH - LEFT - RIGHT);
  const y = (value) => TOP + (1 - value / max) * (HEIGHT - TOP - BOTTOM);

  const grid = [0, 0.5, 1].map((fraction) => [
    svg('line', {class: fraction === 0 ? 'axis' : 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: y(max * fraction), y2: y(max * fraction)}),
    svg('text', {x: LEFT - 6, y: y(max * fraction) + 4, 'text-anchor': 'end'}, format(max * fraction)),
  ]);
  const minutes = Math.round(windowMs / 60000);
  const xLabels = [
    svg('text', {x: LEFT, y: HEIGHT - 8}, `−${minutes} min`),
    svg('text', {x: WIDTH - RIGHT, y: HEIGHT - 8, 'text-anchor': 'end'}, 'now'),
  ];
  let drawn = 0;
  const lines = series.map((s, index) => {
    // Split at nulls: each run of values is one polyline.
    const runs = [];
    let run = [];
    for (const point of s.points) {
      if (point.time < start) continue;
      if (point.value === null || !Number.isFinite(point.value)) {
        if (run.length) runs.push(run);
        run = [];
      } else {
        run.push(`${x(point.time).toFixed(1)},${y(point.value).toFixed(1)}`);
        drawn += 1;
      }
    }
    if (run.length) runs.push(run);
    return runs.map((coordinates) => coordinates.length === 1
      ? svg('circle', {class: `series series-${index + 1}`, cx: coordinates[0].split(',')[0], cy: coordinates[0].split(',')[1], r: '2'})
      : svg('polyline', {class: `series series-${index + 1}`, points: coordinates.join(' ')}));
  });
  const latest = series.map((s) => {
    const last = [...s.points].reverse().find((p) => p.value !== null && Number.isFinite(p.value));
    return last ? last.value : null;
  });
  const summary = `${title}, last ${minutes} minute${minutes === 1 ? '' : 's'}: ` +
    series.map((s, index) => `${s.name} ${format(latest[index])}${latest[index] === null ? '' : ` ${unit}`}`).join(', ');
  const titleId = `${id}-title`;
  return h('figure', {class: 'chart', id, 'data-points': String(drawn), 'data-latest': String(latest[0] ?? '')},
    h('figcaption', {}, h('h3', {id: titleId}, `${title} (${unit})`)),
    svg('svg', {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': summary, preserveAspectRatio: 'xMidYMid meet'},
      grid, xLabels, lines),
    h('ul', {class: 'legend'}, series.map((s, index) => h('li', {},
      h('span', {class: `swatch series-${index + 1}`, 'aria-hidden': 'true'}),
      `${s.name}: ${format(latest[index])}${latest[index] === null ? '' : ` ${unit}`}`))));
}
