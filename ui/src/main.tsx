// The bundle's entry: find out which Jira module we are in, then show its view.
// Views other than the issue panel are separate chunks, loaded when needed.
import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { usePendingCount } from './api/approvals';
import { humanMessage, toAppError, type AppError } from './api/errors';
import { bridge, type AppContext } from './bridge';
import { Shortfall } from './components/Shortfall';
import { TimerBar } from './components/Timer';
import { ErrorBanner, Spinner, Tabs } from './components/ui';
import { loadCore } from './core';
import { SessionProvider, useSession } from './lib/session';
import './styles/tokens.css';
import './styles/app.css';
import { IssuePanel } from './views/IssuePanel';

const Timesheet = lazy(() => import('./views/Timesheet').then((m) => ({ default: m.Timesheet })));
const Reports = lazy(() => import('./views/Reports').then((m) => ({ default: m.Reports })));
const Approvals = lazy(() => import('./views/Approvals').then((m) => ({ default: m.Approvals })));
const Admin = lazy(() => import('./views/Admin').then((m) => ({ default: m.Admin })));
const Keys = lazy(() => import('./views/Keys').then((m) => ({ default: m.Keys })));

type GlobalTab = 'timesheet' | 'reports' | 'approvals' | 'keys';

/** Whether the host offers personal access keys (the local host does; Forge does not). */
function useHasKeys(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    bridge().then((b) => b.features()).then((f) => setHas(f.personalAccessKeys), () => setHas(false));
  }, []);
  return has;
}

function GlobalPage() {
  const [tab, setTab] = useState<GlobalTab>('timesheet');
  // Periods awaiting the viewer's review; the Approvals tab is there once the app has approvals.
  const pending = usePendingCount();
  const hasKeys = useHasKeys();
  return (
    <div class="page">
      <header class="page-header">
        <h1 class="page-title">Worklogs</h1>
        <Shortfall />
        {pending ? (
          <p class="pending-note" role="status" data-testid="pending-count">
            <button type="button" class="link-button" onClick={() => setTab('approvals')}>
              {pending} {pending === 1 ? 'period awaits' : 'periods await'} your review
            </button>
          </p>
        ) : null}
        <Tabs label="Worklogs" value={tab} onChange={setTab}
          tabs={[
            { id: 'timesheet', label: 'My timesheet' }, { id: 'reports', label: 'Reports' },
            ...(pending !== undefined ? [{ id: 'approvals' as const, label: pending ? `Approvals (${pending})` : 'Approvals' }] : []),
            ...(hasKeys ? [{ id: 'keys' as const, label: 'Access keys' }] : []),
          ]} />
      </header>
      <TimerBar />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tabpanel">
        <Suspense fallback={<Spinner />}>{tab === 'timesheet' ? <Timesheet /> : tab === 'approvals' ? <Approvals /> : tab === 'keys' ? <Keys /> : <Reports />}</Suspense>
      </div>
    </div>
  );
}

function ProjectPage() {
  const { ctx } = useSession();
  return (
    <div class="page">
      <header class="page-header">
        <h1 class="page-title">Worklogs{ctx.projectKey ? ` in ${ctx.projectKey}` : ''}</h1>
        <p class="muted">Time logged in this project.</p>
      </header>
      <Suspense fallback={<Spinner />}><Reports project={ctx.projectKey} /></Suspense>
    </div>
  );
}

function AdminPage() {
  return (
    <div class="page">
      <header class="page-header">
        <h1 class="page-title">Worklogs settings</h1>
      </header>
      <Suspense fallback={<Spinner />}><Admin /></Suspense>
    </div>
  );
}

function View() {
  const { ctx } = useSession();
  switch (ctx.module) {
    case 'jira:issuePanel':
    case 'jira:issueActivity':
      return <IssuePanel />;
    case 'jira:issueGlance':
      return <IssuePanel compact />;
    case 'jira:projectPage':
      return <ProjectPage />;
    case 'jira:adminPage':
      return <AdminPage />;
    default:
      return <GlobalPage />;
  }
}

function Fatal({ error }: { error: AppError }) {
  return (
    <div class="page">
      <ErrorBanner error={error} onRetry={() => location.reload()} />
      <span class="visually-hidden">{humanMessage(error)}</span>
    </div>
  );
}

async function start() {
  const root = document.getElementById('app')!;
  let ctx: AppContext;
  try {
    const b = await bridge();
    await b.enableTheme().catch(() => {});
    ctx = await b.context();
  } catch (e) {
    render(<Fatal error={toAppError('context', e)} />, root);
    return;
  }
  document.documentElement.dataset.module = ctx.module;
  // The core's JavaScript downloads while the first calls run.
  loadCore().catch(() => {});
  render(
    <SessionProvider ctx={ctx} fallback={(error) => (error ? <Fatal error={error} /> : <Spinner label="Loading Worklogs" />)}>
      <View />
    </SessionProvider>,
    root,
  );
}

start();
