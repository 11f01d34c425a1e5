/** Secrets by account name, within one service (one application's entries). */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** False when there was nothing to delete. */
  delete(account: string): Promise<boolean>;
  /** The names of every account held, without their values. */
  accounts(): Promise<string[]>;
}
