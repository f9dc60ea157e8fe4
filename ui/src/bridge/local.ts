// The local bridge: the bundle is in the local frame's iframe (or opened with the
// same query string), served by `worklogs serve` from the same origin.
import type { AppContext, Bridge, Envelope, ModuleType } from './types';
import { tokenHeaders } from './token';

const MODULES: ModuleType[] = [
  'jira:issuePanel', 'jira:issueActivity', 'jira:issueGlance',
  'jira:globalPage', 'jira:projectPage', 'jira:adminPage',
];

export function localBridge(params: URLSearchParams): Bridge {
  const module = params.get('module') as ModuleType;
  const as = params.get('as') ?? undefined;
  const timeZone = params.get('tz') ?? undefined;
  const locale = params.get('locale') ?? undefined;
  return {
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
      const headers: Record<string, string> = { 'content-type': 'application/json', ...tokenHeaders() };
      if (as) headers['x-worklogs-account'] = as;
      if (timeZone) headers['x-worklogs-timezone'] = timeZone;
      if (locale) headers['x-worklogs-locale'] = locale;
      const response = await fetch('api/invoke', {
        method: 'POST',
        headers,
        body: JSON.stringify({ operation, input }),
      });
      const text = await response.text();
      try {
        return JSON.parse(text) as Envelope<unknown>;
      } catch {
        return {
          error: {
            code: response.ok ? 'internal' : 'upstream',
            message: `the local host answered ${response.status} without JSON: ${text.slice(0, 200)}`,
          },
        };
      }
    },
    async enableTheme() {
      const mode = params.get('theme') === 'dark' ? 'dark' : 'light';
      document.documentElement.dataset.colorMode = mode;
    },
  };
}
