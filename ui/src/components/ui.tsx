// Small building blocks in the Atlassian look (tokens in styles/tokens.css).
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { detailFirst, humanMessage, type AppError } from '../api/errors';

type ButtonProps = JSX.HTMLAttributes<HTMLButtonElement> & {
  appearance?: 'primary' | 'default' | 'subtle' | 'danger' | 'link';
  busy?: boolean;
  type?: 'button' | 'submit';
  disabled?: boolean;
};

export function Button({ appearance = 'default', busy, children, class: cls, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      class={`btn btn-${appearance}${cls ? ` ${cls}` : ''}`}
      aria-busy={busy || undefined}
      disabled={rest.disabled || busy}
    >
      {busy && <span class="spinner spinner-small" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

/** An error in words a person can act on, with the app's own message underneath. */
export function ErrorBanner({ error, onRetry, onDismiss }: {
  error: AppError; onRetry?: () => void; onDismiss?: () => void;
}) {
  // Invalid input, a refused approval: the component's message says what to fix, so it is shown at once.
  const [open, setOpen] = useState(detailFirst(error));
  const info = error.unavailable;
  return (
    <div class={`banner ${info ? 'banner-info' : 'banner-error'}`} role={info ? 'status' : 'alert'}>
      <div class="banner-body">
        <strong class="banner-title">{humanMessage(error)}</strong>
        {error.detail && !info && (
          <div class="banner-detail">
            <button type="button" class="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide details' : 'Details'}
            </button>
            {open && <p class="banner-detail-text">{error.detail}</p>}
          </div>
        )}
      </div>
      <div class="banner-actions">
        {onRetry && <Button appearance="subtle" onClick={onRetry}>Try again</Button>}
        {onDismiss && <Button appearance="subtle" aria-label="Dismiss" onClick={onDismiss}>✕</Button>}
      </div>
    </div>
  );
}

/** An operation this version of the app does not have: what it will do, and when it comes. */
export function Unavailable({ operation, what }: { operation: string; what: string }) {
  return (
    <div class="empty" role="status">
      <p class="empty-title">Not available yet</p>
      <p>
        {what} This version of the app has no <code>{operation}</code> operation; this page uses it as
        soon as the app is updated.
      </p>
    </div>
  );
}

export function Field(props: {
  label: string; id: string; help?: ComponentChildren; error?: string; children: ComponentChildren; class?: string;
}) {
  return (
    <div class={`field${props.class ? ` ${props.class}` : ''}`}>
      <label for={props.id} class="field-label">{props.label}</label>
      {props.children}
      {props.error ? (
        <div id={`${props.id}-msg`} class="field-error" role="alert">{props.error}</div>
      ) : props.help ? (
        <div id={`${props.id}-msg`} class="field-help" aria-live="polite">{props.help}</div>
      ) : null}
    </div>
  );
}

export function Lozenge({ children, tone = 'default' }: { children: ComponentChildren; tone?: 'default' | 'success' | 'info' | 'warning' | 'danger' }) {
  return <span class={`lozenge lozenge-${tone}`}>{children}</span>;
}

export function Tabs<T extends string>({ tabs, value, onChange, label }: {
  tabs: Array<{ id: T; label: string }>; value: T; onChange: (t: T) => void; label: string;
}) {
  const keydown = (e: KeyboardEvent, i: number) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = tabs[(i + d + tabs.length) % tabs.length];
    onChange(next.id);
    (document.getElementById(`tab-${next.id}`) as HTMLElement | null)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          type="button" role="tab" id={`tab-${t.id}`} key={t.id}
          aria-selected={t.id === value} aria-controls={`panel-${t.id}`}
          tabIndex={t.id === value ? 0 : -1}
          class={`tab${t.id === value ? ' tab-selected' : ''}`}
          onClick={() => onChange(t.id)} onKeyDown={(e) => keydown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
