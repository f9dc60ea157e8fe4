// The small JSON Schema subset of the operation contract (wit/operations.schema.json,
// beside the component's WIT): TypeScript generation and a validator (for the UI's
// and the browser tests), with no dependencies. See the schema's $comment.

import { readFileSync } from 'node:fs';

export const SCHEMA_URL = new URL('../../wit/operations.schema.json', import.meta.url);

export function loadSchema() {
  return JSON.parse(readFileSync(SCHEMA_URL, 'utf8'));
}

const refName = (ref) => {
  const m = /^#\/\$defs\/([A-Za-z0-9]+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  return m[1];
};

const pascal = (op) =>
  op.split(/[.\-_]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');

const doc = (s, indent) => (s.description ? `${indent}/** ${s.description} */\n` : '');

/** The TypeScript type of a schema. */
function tsType(s, indent = '') {
  if (s.$ref) return refName(s.$ref);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.oneOf) return s.oneOf.map((x) => tsType(x, indent)).join('\n' + indent + '  | ');
  switch (s.type) {
    case 'string': return 'string';
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${tsType(s.items, indent)}>`;
    case 'object': {
      const req = new Set(s.required ?? []);
      const inner = indent + '  ';
      const lines = Object.entries(s.properties ?? {}).map(
        ([k, v]) => `${doc(v, inner)}${inner}${k}${req.has(k) ? '' : '?'}: ${tsType(v, inner)};`,
      );
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        lines.push(`${inner}[key: string]: ${tsType(s.additionalProperties, inner)};`);
      }
      return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
    }
    default: throw new Error(`unsupported schema ${JSON.stringify(s)}`);
  }
}

/** The whole types module. */
export function generateTypes(schema) {
  const out = [
    '// Generated from wit/operations.schema.json by ui/scripts/gen-types.mjs: do not edit.',
    '// Run `npm run gen:types` in ui/ after changing the schema.',
    '/* eslint-disable */',
    '',
  ];
  for (const [name, def] of Object.entries(schema.$defs)) {
    out.push(`${doc(def, '')}export type ${name} = ${tsType(def)};`, '');
  }
  const ops = Object.entries(schema.operations);
  for (const [op, def] of ops) {
    out.push(`${doc(def, '')}export type ${pascal(op)}Input = ${tsType(def.input)};`);
    out.push(`export type ${pascal(op)}Output = ${tsType(def.output)};`, '');
  }
  out.push('/** Every operation: its input and output. */', 'export interface Operations {');
  for (const [op] of ops) {
    out.push(`  ${JSON.stringify(op)}: { input: ${pascal(op)}Input; output: ${pascal(op)}Output };`);
  }
  out.push('}', '', '/** Every operation of the component (the contract lists exactly those). */');
  out.push(`export const AVAILABLE_OPERATIONS = ${JSON.stringify(ops.map(([op]) => op))} as const;`, '');
  return out.join('\n');
}

/**
 * Validates `value` against `s`; returns a list of problems (empty when valid),
 * each naming the JSON path.
 */
export function validate(schema, s, value, path = '$', problems = []) {
  if (s.$ref) return validate(schema, schema.$defs[refName(s.$ref)], value, path, problems);
  if (s.oneOf) {
    const matches = s.oneOf.filter((x) => validate(schema, x, value, path, []).length === 0);
    if (matches.length !== 1) problems.push(`${path}: matches ${matches.length} of oneOf, not 1`);
    return problems;
  }
  if (s.const !== undefined && value !== s.const) problems.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
  const type = s.type;
  const is = {
    string: (v) => typeof v === 'string',
    integer: (v) => Number.isInteger(v),
    number: (v) => typeof v === 'number' && Number.isFinite(v),
    boolean: (v) => typeof v === 'boolean',
    null: (v) => v === null,
    array: (v) => Array.isArray(v),
    object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  };
  if (type && !is[type](value)) {
    problems.push(`${path}: expected ${type}, got ${JSON.stringify(value)}`);
    return problems;
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) problems.push(`${path}: ${value} < ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) problems.push(`${path}: ${value} > ${s.maximum}`);
  }
  if (typeof value === 'string' && s.pattern && !new RegExp(s.pattern).test(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} does not match ${s.pattern}`);
  }
  if (type === 'array') value.forEach((v, i) => validate(schema, s.items, v, `${path}[${i}]`, problems));
  if (type === 'object') {
    for (const k of s.required ?? []) if (!(k in value)) problems.push(`${path}: missing ${k}`);
    for (const [k, v] of Object.entries(value)) {
      const p = s.properties?.[k];
      if (p) validate(schema, p, v, `${path}.${k}`, problems);
      else if (s.additionalProperties === false) problems.push(`${path}: unexpected field ${k}`);
      else if (typeof s.additionalProperties === 'object') validate(schema, s.additionalProperties, v, `${path}.${k}`, problems);
    }
  }
  return problems;
}
