/** What a person may call a slot by: its id, its name, or `workspace/name`. */
export interface SlotIdentity {
  id: string;
  workspace: string;
  name: string;
}

/**
 * The slots a reference from a person names: the one with that id, else every slot with that name
 * or `workspace/name` (more than one when workspaces share a name). The agent and the CLI read a
 * reference the same way.
 */
export function slotsReferredTo<T>(slots: Iterable<T>, reference: string, identity: (slot: T) => SlotIdentity): T[] {
  const all = [...slots];
  const byId = all.find((slot) => identity(slot).id === reference);
  if (byId !== undefined) return [byId];
  return all.filter((slot) => {
    const { workspace, name } = identity(slot);
    return reference === name || reference === `${workspace}/${name}`;
  });
}
