// __NAME__: a wasmfaas function (the faas-exec world): exec(input) -> string.
export function exec(input) {
  console.log('__NAME__ called'); // captured by the host as the call's stdout
  let value;
  try {
    value = JSON.parse(input);
  } catch {
    value = input;
  }
  return JSON.stringify({ result: value });
}
