import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlotSpec, type SlotSpecInput } from '../../agent-core/protocol';
import { KeychainSecretStore, SlotSpecVault, specSecrets } from '../../agent-core/secrets';
import type { Store } from '../../agent-core/store';
import { openTempStore } from '../fixtures/temp-store';

let store: Store;
let cleanup: () => void;
let keychain: KeychainSecretStore;
let vault: SlotSpecVault;

beforeEach(() => {
  ({ store, cleanup } = openTempStore());
  keychain = new KeychainSecretStore(`Berth-test-${randomUUID()}`);
  vault = new SlotSpecVault(store.slots, keychain);
});
afterEach(async () => {
  try {
    for (const account of await keychain.accounts()) await keychain.delete(account);
  } finally {
    cleanup();
  }
});

// Random values, so that finding one in a file can only mean it was written there.
function secretValue(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

function makeSpec(overrides: Partial<SlotSpecInput> = {}): SlotSpec {
  return SlotSpec.parse({
    id: 'slot_7',
    name: 'qa-1',
    workspace: 'acme-web',
    repository: { url: 'https://github.com/acme/web.git', token: secretValue('token') },
    template: {
      startup: [{ type: 'bash', arguments: 'npm start', env: { DB_PASSWORD: '{DbPassword}' } }],
      variables: [
        { name: 'NodeEnv', default: 'production' },
        { name: 'DbPassword', default: secretValue('default-password'), secret: true },
        { name: 'ApiKey', secret: true },
      ],
    },
    variables: { NodeEnv: 'staging', DbPassword: secretValue('override-password'), ApiKey: secretValue('api-key') },
    traffic: { mode: 'blue-green', publicPort: 8080 },
    ...overrides,
  });
}

function databaseBytes(): Buffer {
  const files = ['', '-wal', '-shm'].map((suffix) => `${store.path}${suffix}`).filter((file) => existsSync(file));
  return Buffer.concat(files.map((file) => readFileSync(file)));
}

describe('slot spec vault', () => {
  it('loads back the whole spec it saved, secrets included', async () => {
    const spec = makeSpec();
    await vault.save(spec, 'server');
    expect(await vault.load('slot_7')).toEqual(spec);
    expect(await vault.load('slot_unknown')).toBeNull();
  });

  it('keeps the secrets in the keychain under the slot’s accounts and *** in the database', async () => {
    const spec = makeSpec();
    await vault.save(spec, 'server');
    expect((await keychain.accounts()).sort()).toEqual([
      'slot/slot_7/default/DbPassword',
      'slot/slot_7/repository.token',
      'slot/slot_7/var/ApiKey',
      'slot/slot_7/var/DbPassword',
    ]);
    const stored = JSON.parse(store.slots.get('slot_7')!.specJson) as SlotSpec;
    expect(stored.repository?.token).toBe('***');
    expect(stored.variables).toEqual({ NodeEnv: 'staging', DbPassword: '***', ApiKey: '***' });
    expect(stored.template.variables.map((variable) => variable.default)).toEqual(['production', '***', undefined]);
  });

  it('never writes a secret value into the database files', async () => {
    const spec = makeSpec();
    const secrets = specSecrets(spec);
    expect(secrets).toHaveLength(4);
    await vault.save(spec, 'server');
    await vault.save({ ...spec, name: 'qa-1-renamed' }, 'server');
    store.slots.setStatus('slot_7', 'running', 'blue', null);

    const whileOpen = databaseBytes();
    // The files hold the spec itself, so a secret written beside it would be found.
    expect(whileOpen.includes('https://github.com/acme/web.git')).toBe(true);
    for (const secret of secrets) expect(whileOpen.includes(secret), 'a secret is in berth.db, -wal or -shm').toBe(false);

    store.close();
    const afterClose = databaseBytes();
    expect(afterClose.includes('qa-1-renamed')).toBe(true);
    for (const secret of secrets) expect(afterClose.includes(secret), 'a secret is in berth.db after a checkpoint').toBe(false);
  });

  it('deletes the keychain entry of a secret the spec no longer has', async () => {
    const spec = makeSpec();
    await vault.save(spec, 'server');
    const withoutToken = makeSpec({ repository: { url: 'https://github.com/acme/web.git' }, variables: { NodeEnv: 'staging' } });
    await vault.save(withoutToken, 'local');
    expect((await keychain.accounts()).sort()).toEqual(['slot/slot_7/default/DbPassword']);
    expect(await vault.load('slot_7')).toEqual(withoutToken);
    expect(store.slots.get('slot_7')?.origin).toBe('local');
  });

  it('removes a slot’s keychain entries with the slot, and no other slot’s', async () => {
    await vault.save(makeSpec(), 'server');
    const other = makeSpec({ id: 'slot_70', name: 'qa-70' });
    await vault.save(other, 'server');
    expect(await vault.remove('slot_7')).toBe(true);
    expect(store.slots.get('slot_7')).toBeNull();
    expect((await keychain.accounts()).every((account) => account.startsWith('slot/slot_70/'))).toBe(true);
    expect(await vault.load('slot_70')).toEqual(other);
  });

  it('leaves no keychain entries behind when a new slot cannot be saved', async () => {
    await vault.save(makeSpec(), 'server');
    await expect(vault.save(makeSpec({ id: 'slot_8' }), 'server')).rejects.toThrow(/already exists in workspace 'acme-web'/);
    expect((await keychain.accounts()).filter((account) => account.startsWith('slot/slot_8/'))).toEqual([]);
  });

  it('says which secret is missing when the keychain lost it', async () => {
    await vault.save(makeSpec(), 'server');
    await keychain.delete('slot/slot_7/var/ApiKey');
    await expect(vault.load('slot_7')).rejects.toThrow(/secret var\/ApiKey of slot 'qa-1' \(slot_7\) is missing from the OS keychain/);
  });

  it('keeps concurrent saves of one slot consistent with the keychain', async () => {
    const first = makeSpec();
    const second = makeSpec({ repository: { url: 'https://github.com/acme/web.git', token: secretValue('token') } });
    const third = makeSpec({ repository: { url: 'https://github.com/acme/web.git' } });
    const saves = await Promise.allSettled([vault.save(first, 'server'), vault.save(second, 'server'), vault.save(third, 'server')]);
    expect(saves.map((save) => save.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await vault.load('slot_7')).toEqual(third);
    expect(await keychain.accounts()).not.toContain('slot/slot_7/repository.token');
  });
});

describe('slot spec vault without a keychain', () => {
  it('saves, loads and removes a slot without secrets where no keychain is reachable', async () => {
    const unreachable = (): never => {
      throw new Error('no Secret Service on this machine');
    };
    const offline = new SlotSpecVault(store.slots, { get: unreachable, set: unreachable, delete: unreachable, accounts: unreachable });
    const spec = makeSpec({ repository: { url: 'file:///srv/web.git' } });
    spec.template.variables = spec.template.variables.filter((variable) => !variable.secret);
    spec.variables = { NodeEnv: 'staging' };
    await offline.save(spec, 'local');
    expect(await offline.load(spec.id)).toEqual(spec);
    expect(await offline.remove(spec.id)).toBe(true);
  });
});

describe('spec secrets', () => {
  it('lists the token and both values of every secret variable, each once', () => {
    const spec = makeSpec();
    spec.variables.ApiKey = spec.variables.DbPassword;
    expect(specSecrets(spec).sort()).toEqual(
      [spec.repository!.token!, spec.template.variables[1].default!, spec.variables.DbPassword].sort(),
    );
    expect(specSecrets(spec)).not.toContain('staging');
    expect(specSecrets(spec)).not.toContain('production');
  });
});
