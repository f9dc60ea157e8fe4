// The one picker (a combobox with a listbox under it): the timesheet's issue
// picker and the rates table's person and project cells. Typing asks `search`
// a moment later; ArrowDown moves into the list, ArrowUp/ArrowDown within it,
// Enter or a click picks, Escape closes it and returns to the field. What is
// shown in the field (`text`) and what is picked are the caller's: the rates
// table shows a name and keeps an id.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export type PickerProps<T> = {
  /** The field's id; the list is `${id}-list`. */
  id: string;
  /** The field's text. */
  text: string;
  /** The person typed: the new text. */
  onText: (text: string) => void;
  /** The options for a typed text, or undefined to show none (too short, …). */
  search: (query: string) => Promise<T[]> | undefined;
  /** An option chosen. */
  onPick: (option: T) => void;
  /** A stable key per option. */
  optionKey: (option: T) => string;
  /** An option's content (its accessible name). */
  render: (option: T) => ComponentChildren;
  /** The list's accessible name. */
  listLabel: string;
  /** The list under the field rather than in the flow (the rates table). */
  floating?: boolean;
  /** Milliseconds after the last key before searching. */
  delay?: number;
} & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onInput' | 'onKeyDown' | 'role'>;

export function Picker<T>({ id, text, onText, search, onPick, optionKey, render, listLabel, floating, delay = 250, ...input }: PickerProps<T>) {
  const [options, setOptions] = useState<T[]>([]);
  // Only what the person typed is searched, not a text set by a pick.
  const typed = useRef(false);
  const field = useRef<HTMLInputElement>(null);
  const listId = `${id}-list`;

  useEffect(() => {
    if (!typed.current) return;
    const q = text.trim();
    let live = true;
    const t = setTimeout(() => {
      const found = search(q);
      if (!found) { setOptions([]); return; }
      found.then((o) => { if (live) setOptions(o); }, () => { if (live) setOptions([]); });
    }, delay);
    return () => { live = false; clearTimeout(t); };
  }, [text]);

  const close = () => { typed.current = false; setOptions([]); };
  const pick = (o: T) => { close(); onPick(o); };
  const open = options.length > 0;

  return (
    <div class={floating ? 'picker picker-floating' : 'picker'}>
      <input
        {...input}
        ref={field} id={id} value={text} autoComplete="off" spellcheck={false}
        role="combobox" aria-autocomplete="list" aria-expanded={open} aria-controls={listId}
        onInput={(e) => { typed.current = true; onText((e.target as HTMLInputElement).value); }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && open) {
            e.preventDefault();
            document.querySelector<HTMLElement>(`#${CSS.escape(listId)} [role="option"]`)?.focus();
          } else if (e.key === 'Escape' && open) {
            e.preventDefault();
            close();
          }
        }}
      />
      {open && (
        <ul id={listId} class="suggestions" role="listbox" aria-label={listLabel}>
          {options.map((o) => (
            <li
              key={optionKey(o)} role="option" aria-selected={false} tabIndex={-1} class="suggestion"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o)}
              onKeyDown={(e) => {
                const el = e.currentTarget as HTMLElement;
                if (e.key === 'Enter') { e.preventDefault(); pick(o); field.current?.focus(); }
                else if (e.key === 'ArrowDown') { e.preventDefault(); (el.nextElementSibling as HTMLElement | null)?.focus(); }
                else if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  const prev = el.previousElementSibling as HTMLElement | null;
                  (prev ?? field.current)?.focus();
                } else if (e.key === 'Escape') { e.preventDefault(); close(); field.current?.focus(); }
              }}
            >
              {render(o)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
