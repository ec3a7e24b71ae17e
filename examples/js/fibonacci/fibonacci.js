// fibonacci: {"n":7} -> {"result":34}, with the seed's algorithm on u32:
// a = 1, b = 1; n times: t = a, a = b, b += t (wrapping); the answer is b.
function fibonacci(n) {
  let a = 1;
  let b = 1;
  for (let i = 0; i < n; i++) {
    const t = a;
    a = b;
    b = (b + t) >>> 0;
  }
  return b;
}

export function exec(input) {
  let n;
  try {
    n = JSON.parse(input).n;
  } catch (error) {
    return JSON.stringify({ error: `input must be JSON such as {"n":7}: ${error.message}` });
  }
  if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
    return JSON.stringify({ error: 'field `n` must be an integer from 0 to 4294967295' });
  }
  return JSON.stringify({ result: fibonacci(n) });
}
