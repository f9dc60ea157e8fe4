import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AppError, toAppError } from '../api/errors';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'error'; error: AppError };

/** Runs `load` when `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], operation = 'load') {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setValue((v) => (v.state === 'ready' ? v : { state: 'loading' }));
    load().then(
      (v) => mine === seq.current && setValue({ state: 'ready', value: v }),
      (e) => mine === seq.current && setValue({ state: 'error', error: toAppError(operation, e) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return [value, run, setValue] as const;
}

/** A busy flag and the last error around an async action. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | undefined>();
  const run = useCallback(async <T,>(op: string, action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (e) {
      setError(toAppError(op, e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
