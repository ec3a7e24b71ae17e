// A stand-in for the server's wasi:keyvalue (store, atomics) and wasi:config
// (store) for the counter examples run under Node: `jco transpile --map`
// points the three interfaces' imports here. What a scenario grants and
// fails is set through `host`. Not thread-safe (Node runs one call at once).

export const host = {
  stores: ['default'], // store names that exist
  grants: [], // store names open() may open
  config: {}, // the config values get() answers
  data: new Map(), // store name -> Map(key -> bigint)
  failIncrement: null, // an error variant increment() throws
  failConfig: null, // an error variant get() throws
  reset() {
    this.stores = ['default'];
    this.grants = [];
    this.config = {};
    this.data = new Map();
    this.failIncrement = null;
    this.failConfig = null;
  },
};

// wasi:keyvalue/store. A thrown value is the result's error variant.
export class Bucket {
  constructor(name) {
    this.name = name;
  }
}

export function open(identifier) {
  if (!host.stores.includes(identifier)) throw { tag: 'no-such-store' };
  if (!host.grants.includes(identifier)) throw { tag: 'access-denied' };
  return new Bucket(identifier);
}

// wasi:keyvalue/atomics: u64 arithmetic with wrap-around.
export function increment(bucket, key, delta) {
  if (!(bucket instanceof Bucket)) throw new TypeError('increment: not a bucket');
  if (typeof delta !== 'bigint') throw new TypeError('increment: delta is not a u64');
  if (host.failIncrement) throw host.failIncrement;
  if (!host.data.has(bucket.name)) host.data.set(bucket.name, new Map());
  const values = host.data.get(bucket.name);
  const value = ((values.get(key) ?? 0n) + delta) & 0xffffffffffffffffn;
  values.set(key, value);
  return value;
}

// wasi:config/store.
export function get(key) {
  if (host.failConfig) throw host.failConfig;
  return Object.hasOwn(host.config, key) ? host.config[key] : undefined;
}

export function getAll() {
  if (host.failConfig) throw host.failConfig;
  return Object.entries(host.config);
}
