// The component instance: compiled once per cold start, instantiated on demand,
// and thrown away after a trap.
//
// A trap (a `WebAssembly.RuntimeError`, or any throw out of the component) leaves
// a jco instance poisoned: every later call rethrows. Forge reuses a function's
// instance across invocations, so the adapter drops the instance on any throw and
// the next call instantiates afresh. Compiling the core modules is the expensive
// part and is not repeated: a `WebAssembly.Module` survives its instances.

import { instantiate } from '../build/worklogs.mjs';
import cores from '../build/wasm.mjs';
import { wasiImports } from './wasi.js';

/** @type {Map<string, Promise<WebAssembly.Module>>} */
const compiled = new Map();

/** @param {string} name a core module's file name, as jco asks for it */
function compile(name) {
  let module = compiled.get(name);
  if (!module) {
    const base64 = cores[name];
    if (base64 === undefined) throw new Error(`the build has no core module ${name}`);
    module = WebAssembly.compile(Buffer.from(base64, 'base64'));
    compiled.set(name, module);
  }
  return module;
}

/** @type {Promise<any> | undefined} the `worklogs:app/task` exports */
let current;
let instances = 0;

/**
 * The current instance's `task` interface, instantiating one if there is none.
 *
 * @returns {Promise<{ Run: any, migrations: () => Array<{name: string, statement: string}>, operations: () => string[] }>}
 */
export function task() {
  if (!current) {
    instances += 1;
    const instance = instantiate(compile, wasiImports()).then((root) => root.task);
    // A failed instantiation must not stick either.
    instance.catch(() => discard(instance));
    current = instance;
  }
  return current;
}

/**
 * Forgets `instance` (after a trap) if it is still the current one; the next
 * `task()` makes a new one.
 *
 * @param {Promise<any>} instance what `task()` returned
 */
export function discard(instance) {
  if (current === instance) current = undefined;
}

/** How many instances this process has made: 1 unless traps happened. */
export function instanceCount() {
  return instances;
}
