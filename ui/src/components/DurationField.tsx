// A duration in Jira's syntax (`1h 30m`, `1.5h`, `90`), parsed by the core as you
// type: its value, or the core's message naming the position.
import { useEffect } from 'preact/hooks';
import { useSession } from '../lib/session';
import { coreError } from '../core';
import { Field } from './ui';

export interface DurationState {
  text: string;
  seconds?: number;
  error?: string;
}

/** Parses `text` with the core; zero allowed only when `allowZero`. */
export function parseDurationState(
  core: ReturnType<typeof useSession>['core'], text: string, allowZero = false,
): DurationState {
  if (!core) return { text };
  if (!text.trim()) return { text };
  try {
    const seconds = allowZero ? core.parse(text) : core.parseNonzero(text);
    return { text, seconds };
  } catch (e) {
    return { text, error: coreError(e).message };
  }
}

export function DurationField(props: {
  id: string; label: string; value: DurationState; onInput: (v: DurationState) => void;
  allowZero?: boolean; required?: boolean; showErrors?: boolean; autoFocus?: boolean; placeholder?: string;
}) {
  const { core } = useSession();
  const v = props.value;
  // Typed before the core had loaded: parse now.
  useEffect(() => {
    if (core && v.text.trim() && v.seconds === undefined && v.error === undefined) {
      props.onInput(parseDurationState(core, v.text, props.allowZero));
    }
  }, [core]);
  const preview = v.seconds !== undefined && core
    ? `= ${core.format(v.seconds, 'pretty')} · ${core.hours(v.seconds)} h`
    : core
      ? 'Such as 1h 30m, 1.5h or 90m (w, d, h, m)'
      : 'Loading the duration parser…';
  const error = v.error && (props.showErrors || v.text.length > 0) ? v.error : undefined;
  return (
    <Field id={props.id} label={props.label} error={error} help={preview}>
      <input
        id={props.id}
        class={`input${error ? ' input-invalid' : ''}`}
        type="text"
        inputMode="text"
        autoComplete="off"
        spellcheck={false}
        placeholder={props.placeholder ?? 'e.g. 1h 30m'}
        value={v.text}
        required={props.required}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${props.id}-msg`}
        onInput={(e) => props.onInput(parseDurationState(core, (e.target as HTMLInputElement).value, props.allowZero))}
      />
    </Field>
  );
}
