// The local bridge: the bundle is in the local frame's iframe (or opened with the
// same query string), served by `worklogs serve` from the same origin.
import type { AppContext, Bridge, Envelope, HostFeatures, KeysApi, ModuleType } from './types';
import { changeHeaders, tokenHeaders } from './token';

/** The host's JSON answer as an envelope, or an envelope saying what came instead. */
async function envelope<T>(response: Response): Promise<Envelope<T>> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Envelope<T>;
  } catch {
    return {
      error: {
        code: response.ok ? 'internal' : 'upstream',
        message: `the local host answered ${response.status} without JSON: ${text.slice(0, 200)}`,
      },
    };
  }
}

/** The personal access keys of the acting person (`/api/keys`). */
function keysApi(as: string | undefined): KeysApi {
  const headers = async (change: boolean) => ({
    'content-type': 'application/json',
    ...(change ? await changeHeaders() : tokenHeaders()),
    ...(as ? { 'x-worklogs-account': as } : {}),
  });
  return {
    async list() {
      return envelope(await fetch('api/keys', { headers: await headers(false) }));
    },
    async create(name) {
      return envelope(await fetch('api/keys', { method: 'POST', headers: await headers(true), body: JSON.stringify({ name }) }));
    },
    async revoke(id) {
      return envelope(await fetch('api/keys/revoke', { method: 'POST', headers: await headers(true), body: JSON.stringify({ id }) }));
    },
  };
}

const MODULES: ModuleType[] = [
  'jira:issuePanel', 'jira:issueActivity', 'jira:issueGlance',
  'jira:globalPage', 'jira:projectPage', 'jira:adminPage',
];

export function localBridge(params: URLSearchParams): Bridge {
  const module = params.get('module') as ModuleType;
  const as = params.get('as') ?? undefined;
  const timeZone = params.get('tz') ?? undefined;
  const locale = params.get('locale') ?? undefined;
  let features: Promise<HostFeatures> | undefined;
  return {
    features() {
      features ??= fetch('api/host', { headers: tokenHeaders() })
        .then((r) => (r.ok ? (r.json() as Promise<HostFeatures>) : { personalAccessKeys: false, signIn: false }))
        .catch(() => ({ personalAccessKeys: false, signIn: false }));
      return features;
    },
    keys: keysApi(as),
    async context(): Promise<AppContext> {
      if (!MODULES.includes(module)) throw new Error(`unknown module "${module}"`);
      return {
        module,
        host: 'local',
        issueKey: params.get('issue') ?? undefined,
        projectKey: params.get('project') ?? params.get('issue')?.replace(/-\d+$/, '') ?? undefined,
        accountId: as,
        timeZone,
        locale,
      };
    },
    async invoke(operation, input) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(await changeHeaders()) };
      if (as) headers['x-worklogs-account'] = as;
      if (timeZone) headers['x-worklogs-timezone'] = timeZone;
      if (locale) headers['x-worklogs-locale'] = locale;
      const response = await fetch('api/invoke', {
        method: 'POST',
        headers,
        body: JSON.stringify({ operation, input }),
      });
      return envelope(response);
    },
    async enableTheme() {
      const mode = params.get('theme') === 'dark' ? 'dark' : 'light';
      document.documentElement.dataset.colorMode = mode;
    },
  };
}
