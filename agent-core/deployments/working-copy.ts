import { join } from 'node:path';
import { BerthError, pathSegmentProblem, type Color, type SlotSpec } from '../protocol';

/** A slot's working copy: the slot folder itself in single mode, one per color in blue-green. */
export type CopyName = 'single' | Color;

/** `{StoragePath}/slots/{workspace}/{slot}`, after checking both names can be path segments. */
export function slotRoot(storagePath: string, spec: Pick<SlotSpec, 'workspace' | 'name'>): string {
  for (const [what, name] of [['workspace', spec.workspace], ['slot', spec.name]] as const) {
    const problem = pathSegmentProblem(name);
    if (problem) throw new BerthError('INVALID_PAYLOAD', `${what} name '${name}' ${problem}`);
  }
  return join(storagePath, 'slots', spec.workspace, spec.name);
}

/** Single mode works in the slot folder itself; blue-green keeps one working copy per color. */
export function workingCopyPath(storagePath: string, spec: Pick<SlotSpec, 'workspace' | 'name'>, copy: CopyName): string {
  const root = slotRoot(storagePath, spec);
  return copy === 'single' ? root : join(root, copy);
}
