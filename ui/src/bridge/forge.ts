// The Forge bridge: @forge/bridge, loaded only on Forge (a lazy chunk).
import { invoke, view } from '@forge/bridge';
import type { AppContext, Bridge, Envelope, ModuleType } from './types';

interface ForgeContext {
  accountId?: string;
  timezone?: string;
  locale?: string;
  extension?: {
    type?: string;
    issue?: { key?: string; id?: string | number };
    project?: { key?: string; id?: string | number };
  };
}

export function forgeBridge(): Bridge {
  return {
    // Forge has no personal access keys (no feed) and signs people in itself.
    async features() {
      return { personalAccessKeys: false, signIn: false };
    },
    async context(): Promise<AppContext> {
      const ctx = (await view.getContext()) as unknown as ForgeContext;
      const ext = ctx.extension ?? {};
      return {
        module: (ext.type ?? 'jira:globalPage') as ModuleType,
        host: 'forge',
        issueKey: ext.issue?.key,
        issueId: ext.issue?.id === undefined ? undefined : String(ext.issue.id),
        projectKey: ext.project?.key,
        accountId: ctx.accountId,
        timeZone: ctx.timezone,
        locale: ctx.locale,
      };
    },
    async invoke(operation, input) {
      // The resolver's one definition, 'invoke' (src/index.js), answers the envelope.
      return (await invoke('invoke', { operation, input: input as never })) as Envelope<unknown>;
    },
    async enableTheme() {
      await view.theme.enable();
    },
  };
}
