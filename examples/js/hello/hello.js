// hello: {"name":"World"} -> {"result":"Hello World, how are you?"}.
// Prints "--- Test output ---" to stdout on every call, as the seed's does.
export function exec(input) {
  console.log('--- Test output ---');
  let name;
  try {
    name = JSON.parse(input).name;
  } catch (error) {
    return JSON.stringify({ error: `input must be JSON such as {"name":"World"}: ${error.message}` });
  }
  if (typeof name !== 'string') {
    return JSON.stringify({ error: 'field `name` must be a string' });
  }
  return JSON.stringify({ result: `Hello ${name}, how are you?` });
}
