// Chooses the bridge at run time. The local frame opens the bundle with
// `?module=…` in its query string; on Forge there is none (the bundle is in an
// iframe of Jira, with @forge/bridge's channel to its host). Opened on its own,
// outside any frame, locally, the bundle hands over to the frame page.
import type { Bridge } from './types';
import { localBridge } from './local';

export type { AccessKey, AppContext, Bridge, HostFeatures, KeysApi, ModuleType, Envelope } from './types';

let current: Promise<Bridge> | undefined;

export function bridge(): Promise<Bridge> {
  current ??= pick();
  return current;
}

async function pick(): Promise<Bridge> {
  const params = new URLSearchParams(location.search);
  if (params.has('module')) return localBridge(params);
  if (window.top === window.self) {
    location.replace('frame.html');
    return new Promise(() => {});
  }
  const { forgeBridge } = await import('./forge');
  return forgeBridge();
}
