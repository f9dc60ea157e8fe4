// Typed calls: every operation's input and output come from the schema
// (types.gen.ts), so the UI and the component share one description.
import { bridge } from '../bridge';
import { AppError, toAppError } from './errors';
import type { Operations } from './types.gen';

export type Op = keyof Operations;
export type In<O extends Op> = Operations[O]['input'];
export type Out<O extends Op> = Operations[O]['output'];

/** Runs `operation`; throws an AppError for the component's error or a bridge failure. */
export async function call<O extends Op>(operation: O, input: In<O>): Promise<Out<O>> {
  let envelope;
  try {
    const b = await bridge();
    envelope = await b.invoke(operation, input);
  } catch (err) {
    throw toAppError(operation, err);
  }
  if (envelope && typeof envelope === 'object' && 'ok' in envelope) return envelope.ok as Out<O>;
  if (envelope && typeof envelope === 'object' && 'error' in envelope && envelope.error) {
    throw new AppError(operation, envelope.error.code, envelope.error.message);
  }
  throw new AppError(operation, 'internal', `unexpected answer: ${JSON.stringify(envelope).slice(0, 200)}`);
}
