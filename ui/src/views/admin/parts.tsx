// Small pieces the admin page's newer sections share (kept apart from Admin.tsx
// so sections can be added without editing it).
import type { ComponentChildren } from 'preact';
import { ErrorBanner, Spinner, Unavailable } from '../../components/ui';
import { useLoad } from '../../lib/hooks';

export function AdminSection({ id, title, intro, children }: { id: string; title: string; intro: string; children: ComponentChildren }) {
  return (
    <section id={id} class="card admin-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} class="section-title">{title}</h2>
      <p class="muted">{intro}</p>
      {children}
    </section>
  );
}

/** Loads a section's data; an operation the app lacks shows what will come. */
export function LoadedSection<T>({ op, load, what, children }: {
  op: string; load: () => Promise<T>; what: string; children: (value: T, reload: () => void) => ComponentChildren;
}) {
  const [v, reload] = useLoad(load, [], op);
  if (v.state === 'loading') return <Spinner />;
  if (v.state === 'error') {
    return v.error.unavailable ? <Unavailable operation={op} what={what} /> : <ErrorBanner error={v.error} onRetry={reload} />;
  }
  return <>{children(v.value, reload)}</>;
}

export { fieldOf } from './fields';
