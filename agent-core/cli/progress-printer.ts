import { slotsReferredTo } from '../protocol';
import type { AgentState, LocalApiClient, ProgressEvent } from '../protocol/local-api';
import type { Output } from './client-command';

/** The id of the slot a person named the way `SlotManager.find` reads it, or null when none matches. */
export function findSlotId(state: AgentState, reference: string): string | null {
  const matches = slotsReferredTo(state.slots, reference, (slot) => ({ ...slot.spec, id: slot.id }));
  return matches.length === 1 ? matches[0]!.id : null;
}

/**
 * Prints each step of the slot's running work on stderr until the returned function is called;
 * nothing with --json. Given the command id this CLI sent with its call, only that call's steps:
 * not those of a deploy the window or the server started on the same slot.
 */
export async function followProgress(client: LocalApiClient, slot: string, out: Output, commandId?: string): Promise<() => void> {
  if (out.json) return () => undefined;
  const slotId = findSlotId(await client.call('state.get'), slot);
  return client.on('progress', (progress) => {
    if (commandId !== undefined && progress.commandId !== commandId) return;
    if (slotId === null || progress.slotId === slotId) out.note(progressLine(progress, out));
  });
}

function progressLine(progress: ProgressEvent, out: Output): string {
  const time = new Date().toTimeString().slice(0, 8);
  const outcome = progress.outcome === 'skipped' ? out.style.paint(' (skipped)', 'yellow') : '';
  return `${time}  ${progress.step.padEnd(8)} ${progress.message}${outcome}`;
}
