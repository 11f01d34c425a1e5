import { BerthError, SlotSpec } from '../protocol';
import type { SlotOrigin, SlotRecord, SlotRepository } from '../store';
import { rememberSecrets } from '../runner/known-secrets';
import type { SecretStore } from './secret-store';
import { REDACTED, secretPlaces, specSecrets } from './spec-secrets';

/**
 * Keeps each slot's last spec: the database row holds it with every secret replaced by `***`, and
 * the secret values live in the OS keychain under `slot/<id>/<place>`. Work on one slot is
 * serialized, so a save can never delete the keychain entry another save of the same slot needs.
 */
export class SlotSpecVault {
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly slots: SlotRepository,
    private readonly secrets: SecretStore,
  ) {}

  /** Stores the spec (secrets in the keychain first, then the row), then drops entries it no longer has. */
  save(spec: SlotSpec, origin: SlotOrigin): Promise<SlotRecord> {
    return this.exclusive(spec.id, async () => {
      // Every slot's secrets are masked in every slot's output, not only its own.
      rememberSecrets(specSecrets(spec));
      const existed = this.slots.get(spec.id) !== null;
      const stored = this.storedAccounts(spec.id);
      const redacted = structuredClone(spec);
      const kept = new Set<string>();
      for (const place of secretPlaces(spec)) {
        const value = place.read(spec);
        if (typeof value !== 'string' || value === '') continue;
        const account = accountFor(spec.id, place.key);
        await this.secrets.set(account, value);
        kept.add(account);
        place.write(redacted, REDACTED);
      }
      let record: SlotRecord;
      try {
        record = this.slots.upsert({
          id: spec.id,
          name: spec.name,
          workspace: spec.workspace,
          origin,
          specJson: JSON.stringify(redacted),
        });
      } catch (error) {
        if (!existed) await this.deleteAccounts([...kept]);
        throw error;
      }
      await this.deleteAccounts(stored.filter((account) => !kept.has(account)));
      return record;
    });
  }

  /** The slot's spec with its secrets filled in again, or null for a slot this host does not have. */
  load(slotId: string): Promise<SlotSpec | null> {
    return this.exclusive(slotId, async () => {
      const record = this.slots.get(slotId);
      if (record === null) return null;
      const parsed = SlotSpec.safeParse(JSON.parse(record.specJson));
      if (!parsed.success) {
        throw new BerthError(
          'INTERNAL',
          `The stored spec of slot '${record.name}' (${slotId}) cannot be read; deploy the slot again to store it anew.`,
        );
      }
      const spec = parsed.data;
      for (const place of secretPlaces(spec)) {
        if (place.read(spec) !== REDACTED) continue;
        const value = await this.secrets.get(accountFor(slotId, place.key));
        if (value === null) {
          throw new BerthError(
            'INTERNAL',
            `The secret ${place.key} of slot '${record.name}' (${slotId}) is missing from the OS keychain; ` +
              'deploy the slot again (from the server, or by saving it in the window) to store it again.',
          );
        }
        place.write(spec, value);
      }
      rememberSecrets(specSecrets(spec));
      return spec;
    });
  }

  /** Deletes the slot's row (with its deployments) and every keychain entry it had; false when there was no slot. */
  remove(slotId: string): Promise<boolean> {
    return this.exclusive(slotId, async () => {
      const stored = this.storedAccounts(slotId);
      const removed = this.slots.remove(slotId);
      await this.deleteAccounts(stored);
      return removed;
    });
  }

  /**
   * The keychain entries the stored row refers to (its `***` places). Reading them from the row, not
   * from the keychain, keeps a slot without secrets working where no keychain is reachable.
   */
  private storedAccounts(slotId: string): string[] {
    const record = this.slots.get(slotId);
    if (record === null) return [];
    const parsed = SlotSpec.safeParse(JSON.parse(record.specJson));
    if (!parsed.success) return [];
    const spec = parsed.data;
    return secretPlaces(spec)
      .filter((place) => place.read(spec) === REDACTED)
      .map((place) => accountFor(slotId, place.key));
  }

  private async deleteAccounts(accounts: readonly string[]): Promise<void> {
    for (const account of accounts) await this.secrets.delete(account);
  }

  private exclusive<T>(slotId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.pending.get(slotId) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(slotId, settled);
    void settled.then(() => {
      if (this.pending.get(slotId) === settled) this.pending.delete(slotId);
    });
    return result;
  }
}

/** Slot ids are path-segment names, which contain no `/`, so one slot's prefix never matches another's. */
function accountFor(slotId: string, key: string): string {
  return `slot/${slotId}/${key}`;
}
