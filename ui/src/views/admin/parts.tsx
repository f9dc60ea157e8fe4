// Small pieces the admin page's newer sections share (kept apart from Admin.tsx
// so sections can be added without editing it).
import type { ComponentChildren } from 'preact';
import type { AppError } from '../../api/errors';
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

/**
 * The cell an `invalid-input` error names. The component's messages start with
 * `invalid input: field "<path>": …` (docs/operations.md), where the path of a
 * list item's field is `list[i].field`.
 */
export function fieldOf(error: AppError | undefined, list: string): { index: number; field: string; message: string } | undefined {
  if (!error || error.code !== 'invalid-input') return undefined;
  const m = /field "([A-Za-z]+)\[(\d+)\]\.([A-Za-z]+)": (.*)$/s.exec(error.detail);
  if (!m || m[1] !== list) return undefined;
  return { index: Number(m[2]), field: m[3]!, message: m[4]! };
}
