// Which Jira paths the app can call, and whether the manifest's scopes allow
// them, according to Atlassian's spec (shared/reference/, beside the repository).
//
// Two sources, because neither alone stays true as operations are added:
//
//   - the component's sources: every `JiraPath::api(&[...])` outside test code,
//     with the methods named in the same function. Nobody maintains a list, so a
//     new call is checked the day it is written, whether or not a scenario runs it;
//   - the requests actually sent while the scenarios run (scenarios.test.mjs):
//     exact methods and paths, however they were built.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { root } from './support.mjs';

// `WORKLOGS_REFERENCE` names the reference directory when it is not beside the checkout.
export const specPath = path.resolve(
  process.env.WORKLOGS_REFERENCE ?? path.resolve(root, '../shared/reference'),
  'jira-cloud-platform-openapi-v3.json',
);

/**
 * Atlassian's app APIs, which are not in the Jira spec: path → scopes needed.
 * (`@forge/api`'s `privacy.reportPersonalData` posts to the first.)
 */
export const APP_APIS = { 'POST /app/report-accounts': ['report:personal-data'] };

let spec;
/** The spec's operations: `{method, template, segments, alternatives}` */
export function specOperations() {
  if (!spec) {
    const doc = JSON.parse(readFileSync(specPath, 'utf8'));
    spec = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
        // Each alternative is a set of scopes that suffices: the classic scopes
        // (state Current) or the granular ones (Beta), as the spec lists them.
        const alternatives = (op['x-atlassian-oauth2-scopes'] ?? []).map((entry) => entry.scopes ?? []);
        for (const requirement of op.security ?? []) {
          if (requirement.OAuth2) alternatives.push(requirement.OAuth2);
        }
        spec.push({ method: method.toUpperCase(), template, segments: template.split('/').slice(1), alternatives });
      }
    }
  }
  return spec;
}

/** The scopes manifest.yml declares. */
export function declaredScopes() {
  const manifest = parseYaml(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));
  // A list of names, or a map of name to options (such as `allowImpersonation`).
  const scopes = manifest.permissions?.scopes ?? [];
  return new Set(Array.isArray(scopes) ? scopes : Object.keys(scopes));
}

/**
 * The spec path that `segments` fits best: literal segments must be equal, a
 * `{parameter}` takes any one segment (a `null` here, for a value known only at
 * run time, fits only a parameter). Literal matches win over parameters, as in
 * Jira's router.
 *
 * @param {Array<string | null>} segments
 * @param {string} [method] only paths with this method
 */
export function matchTemplate(segments, method) {
  let best;
  let bestScore = -1;
  for (const op of specOperations()) {
    if (method && op.method !== method) continue;
    if (op.segments.length !== segments.length) continue;
    let score = 0;
    const fits = op.segments.every((part, i) => {
      const isParam = /^\{[^}]+\}$/.test(part);
      if (segments[i] === null) return isParam;
      if (isParam) return segments[i] !== '';
      score += 1;
      return part === segments[i];
    });
    if (fits && score > bestScore) {
      best = op.template;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Why the declared scopes do not allow `method template`, or undefined.
 *
 * @param {string} method
 * @param {string} template
 * @param {Set<string>} declared
 */
export function missingScopes(method, template, declared) {
  const app = APP_APIS[`${method} ${template}`];
  const alternatives = app
    ? [app]
    : specOperations()
        .filter((op) => op.method === method && op.template === template)
        .flatMap((op) => op.alternatives);
  if (alternatives.length === 0) return `${method} ${template} is not in the spec`;
  if (alternatives.some((scopes) => scopes.every((s) => declared.has(s)))) return undefined;
  return `${method} ${template} needs one of ${alternatives.map((a) => `[${a.join(', ')}]`).join(' or ')}; manifest.yml declares [${[...declared].join(', ')}]`;
}

/**
 * Checks requests as sent: `{method, path}` with a concrete path and query.
 *
 * @param {Array<{ method: string, path: string }>} requests
 * @returns {string[]} the problems
 */
export function checkRequests(requests) {
  const declared = declaredScopes();
  const problems = new Set();
  for (const { method, path: full } of requests) {
    const bare = full.split('?')[0];
    if (bare.startsWith('/app/')) {
      const why = missingScopes(method, bare, declared);
      if (why) problems.add(why);
      continue;
    }
    const template = matchTemplate(bare.split('/').slice(1), method);
    if (!template) {
      problems.add(`${method} ${bare} matches no path of the spec`);
      continue;
    }
    const why = missingScopes(method, template, declared);
    if (why) problems.add(why);
  }
  return [...problems];
}

/** Rust source files under `dir`, recursively. */
function rustFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return rustFiles(full);
    return entry.name.endsWith('.rs') ? [full] : [];
  });
}

/** Splits `text` on commas outside brackets and quotes. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Every Jira path the component's sources build with `JiraPath::api`, outside
 * `#[cfg(test)]` code: `{file, line, segments, methods}`, where a segment is a
 * string literal or `null` (a run-time value), and `methods` are the methods named
 * in the same function: `Method::` variants, and the `Call::get` and `Call::post`
 * builders.
 *
 * @param {string} dir the component's `src`
 */
export function pathsInSources(dir) {
  const found = [];
  for (const file of rustFiles(dir)) {
    let text = readFileSync(file, 'utf8');
    const tests = text.indexOf('#[cfg(test)]');
    if (tests >= 0) text = text.slice(0, tests);
    // Function boundaries, to find the methods used with each path.
    const fnStarts = [...text.matchAll(/\bfn\s+\w+/g)].map((m) => m.index);
    for (const match of text.matchAll(/JiraPath::api\(\s*&\[([\s\S]*?)\]\s*\)/g)) {
      // The definition of `api` itself, and its documentation, are no calls.
      const lineStart = text.lastIndexOf('\n', match.index) + 1;
      if (/^\s*\/\/[/!]?/.test(text.slice(lineStart, match.index))) continue;
      const segments = [
        'rest',
        'api',
        '3',
        ...splitTopLevel(match[1]).map((part) => (/^"([^"\\]*)"$/.test(part) ? part.slice(1, -1) : null)),
      ];
      const from = Math.max(0, ...fnStarts.filter((s) => s < match.index));
      const next = fnStarts.find((s) => s > match.index) ?? text.length;
      const methods = [
        ...new Set(
          [...text.slice(from, next).matchAll(/Method::(Get|Post|Put|Delete)\b|Call::(get|post)\(/g)].map((m) =>
            (m[1] ?? m[2]).toUpperCase(),
          ),
        ),
      ];
      found.push({
        file: path.relative(root, file),
        line: text.slice(0, match.index).split('\n').length,
        segments,
        methods,
      });
    }
  }
  return found;
}

/** Whether the component's sources are here (they are, in the repository). */
export const haveSources = () => existsSync(path.join(root, 'wasm/app/src'));
