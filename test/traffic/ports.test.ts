import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, claimFreePort, findFreePort, isPortFree } from '../../agent-core/traffic';

const holders: Server[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((holder) => new Promise((resolve) => holder.close(resolve))));
});

/** Another program holding a port (the OS picks it). */
async function holdPort(host = '127.0.0.1'): Promise<number> {
  const holder = createServer();
  holders.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, host, resolve));
  return (holder.address() as { port: number }).port;
}

async function releasedPort(): Promise<number> {
  const port = await holdPort();
  await new Promise((resolve) => holders.pop()!.close(resolve));
  return port;
}

describe('ports', () => {
  it('hands out a port in the range that can really be bound, never an excluded one', async () => {
    const excluded = [41_500, 41_501, 41_502];
    for (let i = 0; i < 5; i++) {
      const port = await findFreePort({ range: [41_500, 41_509], exclude: excluded });
      expect(port).toBeGreaterThanOrEqual(41_503);
      expect(port).toBeLessThanOrEqual(41_509);
      expect(await isPortFree(port)).toBe(true);
    }
  });

  it('holds a claimed port against any other binder until it is released for the app', async () => {
    const free = await releasedPort();
    const claim = await claimFreePort({ range: [free, free] });
    expect(claim.port).toBe(free);
    // Another agent's search binds to test, as this one does: the port is taken for it.
    expect(await isPortFree(free)).toBe(false);
    await claim.release();
    await claim.release();
    expect(await isPortFree(free)).toBe(true);
  });

  it('skips a port another program holds', async () => {
    const held = await holdPort();
    const free = await releasedPort();
    const [from, to] = held < free ? [held, free] : [free, held];
    const port = await findFreePort({ range: [from, to], exclude: Array.from({ length: to - from - 1 }, (_, i) => from + 1 + i) });
    expect(port).toBe(free);
  });

  it('says which range is exhausted and which setting widens it', async () => {
    const held = await holdPort();
    await expect(findFreePort({ range: [held, held] })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: `every port from ${held} to ${held} on 127.0.0.1 is in use or reserved; stop what holds them or widen colorPortRange`,
    });
    const free = await releasedPort();
    await expect(findFreePort({ range: [free, free], exclude: [free] })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
  });

  it('never hands the same port to two deployments while the first app is still starting', async () => {
    const free = await releasedPort();
    expect(await findFreePort({ range: [free, free] })).toBe(free);
    expect(await isPortFree(free)).toBe(true);
    await expect(findFreePort({ range: [free, free] })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
  });

  it('rejects a range that is not one', async () => {
    await expect(findFreePort({ range: [5000, 4000] })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('names a taken public port and the setting to change', async () => {
    const held = await holdPort('0.0.0.0');
    await expect(assertPortFree(held)).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: `public port ${held} is already in use by another program; free it or choose another publicPort`,
    });
    await expect(assertPortFree(await releasedPort(), '127.0.0.1')).resolves.toBeUndefined();
  });
});
