// The one way the UI reaches the app: `invoke(operation, input)`. On Forge it goes
// through @forge/bridge to the resolver; on the local host through POST /api/invoke.
// Both answer the component's envelope: {ok: result} or {error: {code, message}}.

/** The module the bundle was opened in (Forge's `extension.type`). */
export type ModuleType =
  | 'jira:issuePanel'
  | 'jira:issueActivity'
  | 'jira:issueGlance'
  | 'jira:globalPage'
  | 'jira:projectPage'
  | 'jira:adminPage';

/** What the UI needs from Forge's context (or the local frame's query string). */
export interface AppContext {
  module: ModuleType;
  /** The issue, in issue modules. */
  issueKey?: string;
  issueId?: string;
  /** The project, in the project page (and issue modules). */
  projectKey?: string;
  accountId?: string;
  timeZone?: string;
  locale?: string;
  /** Where the bundle runs. */
  host: 'forge' | 'local';
}

export type Envelope<T> = { ok: T } | { error: { code: string; message: string } };

/** What the host offers besides the operations (the local host's `GET /api/host`). */
export interface HostFeatures {
  /** Personal access keys for the OData feed (only where `worklogs serve` runs). */
  personalAccessKeys: boolean;
  /** The feed's path, when there is one. */
  odata?: string;
  /** Whether people sign in (a team server). */
  signIn: boolean;
}

/** A personal access key as its owner lists it (never its secret). */
export interface AccessKey {
  id: string;
  name: string;
  createdMs: number;
  lastUsedMs?: number;
  revokedMs?: number;
}

/** The host's personal access keys, for the acting person. */
export interface KeysApi {
  list(): Promise<Envelope<{ keys: AccessKey[] }>>;
  create(name: string): Promise<Envelope<{ key: AccessKey; secret: string }>>;
  revoke(id: string): Promise<Envelope<{ revoked: string }>>;
}

export interface Bridge {
  /** What the host offers besides the operations. */
  features(): Promise<HostFeatures>;
  /** The keys, on a host that has them. */
  keys?: KeysApi;
  context(): Promise<AppContext>;
  /** Sends one call; resolves with the envelope, rejects only when nothing answered. */
  invoke(operation: string, input: unknown): Promise<Envelope<unknown>>;
  /** Turns on Jira's theming (Forge) or follows the frame's switch (local). */
  enableTheme(): Promise<void>;
}
