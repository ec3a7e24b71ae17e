// A parser of the Prometheus text format (what GET /metrics answers):
// samples as {name, labels, value}; comments and TYPE/HELP lines skipped.

export function parsePrometheus(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseLine(line) {
  let index = 0;
  while (index < line.length && /[A-Za-z0-9_:]/.test(line[index])) index += 1;
  const name = line.slice(0, index);
  if (!name) return null;
  const labels = {};
  if (line[index] === '{') {
    index += 1;
    while (index < line.length && line[index] !== '}') {
      const equals = line.indexOf('=', index);
      if (equals < 0) return null;
      const label = line.slice(index, equals).trim();
      index = equals + 1;
      if (line[index] !== '"') return null;
      index += 1;
      let value = '';
      while (index < line.length && line[index] !== '"') {
        if (line[index] === '\\' && index + 1 < line.length) {
          const next = line[index + 1];
          value += next === 'n' ? '\n' : next;
          index += 2;
        } else {
          value += line[index];
          index += 1;
        }
      }
      index += 1;  // the closing quote
      labels[label] = value;
      while (line[index] === ',' || line[index] === ' ') index += 1;
    }
    index += 1;  // '}'
  }
  const [valueText] = line.slice(index).trim().split(/\s+/);
  const value = parseValue(valueText);
  return Number.isNaN(value) && valueText !== 'NaN' ? null : {name, labels, value};
}

function parseValue(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

// histogram_quantile over cumulative bucket counts [{le, count}] sorted by
// le (the last one +Inf): the q-quantile, interpolated linearly inside its
// bucket as Prometheus does; null without observations.
export function histogramQuantile(q, buckets) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return previousLe;
      const inBucket = bucket.count - previousCount;
      if (inBucket <= 0) return bucket.le;
      return previousLe + (bucket.le - previousLe) * ((rank - previousCount) / inBucket);
    }
    previousLe = bucket.le;
    previousCount = bucket.count;
  }
  return previousLe;
}
