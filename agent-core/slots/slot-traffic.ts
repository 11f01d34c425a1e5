import type { Color } from '../protocol';
import { SlotMetricsHistory, SlotProxy, Target } from '../traffic';

/**
 * A blue-green slot's public side: its proxy, the target each color serves from, and the drains
 * under way. A deployment that needs a color still draining waits for that drain first.
 */
export class SlotTraffic {
  private proxy: SlotProxy | null = null;
  private listening: { port: number; host: string } | null = null;
  private readonly drains = new Map<Color, Promise<void>>();

  constructor(
    private readonly name: string,
    /** What the proxy forwarded, per Target; the live one is set at each swap and stop. */
    readonly metrics = new SlotMetricsHistory(),
  ) {}

  get isListening(): boolean {
    return this.listening !== null;
  }

  /** The target the proxy sends to now: its counters are what the live color answered since the swap. */
  get liveTarget(): Target | null {
    return this.proxy?.target ?? null;
  }

  /** Listens on the public port (again, when the port or host changed); PORT_IN_USE when taken. */
  async listen(port: number, host: string): Promise<void> {
    if (this.listening?.port === port && this.listening.host === host) return;
    const previous = this.proxy;
    const proxy = new SlotProxy({ name: `slot ${this.name}` });
    await proxy.listen({ port, host });
    if (previous) {
      proxy.setTarget(previous.target);
      await previous.close();
    }
    this.proxy = proxy;
    this.listening = { port, host };
  }

  /** The one atomic change: new requests go to `color` from now on. Returns the target that was live. */
  swap(color: Color, port: number, deploymentId: string): Target | null {
    const target = new Target({ port, color, deploymentId });
    target.markHealthy();
    const previous = this.proxy?.setTarget(target) ?? null;
    this.metrics.setLive(target);
    return previous;
  }

  /** No color serves: the proxy answers 503 with the reason. Returns the target that was live. */
  unavailable(reason: string): Target | null {
    this.metrics.setLive(null);
    return this.proxy?.setTarget(null, reason) ?? null;
  }

  /**
   * Drains `target` up to drainMs, then runs `after` (the old instance's stop, unless it stays
   * warm); a deployment needing this color waits for both.
   */
  drain(target: Target, drainMs: number, after: () => Promise<void> = async () => undefined): Promise<void> {
    const drain = target
      .drain(drainMs)
      .then(after)
      .finally(() => {
        if (this.drains.get(target.color) === drain) this.drains.delete(target.color);
      });
    this.drains.set(target.color, drain);
    return drain;
  }

  async drained(color: Color): Promise<void> {
    await this.drains.get(color);
  }

  async close(): Promise<void> {
    await Promise.all(this.drains.values());
    this.proxy?.setTarget(null)?.stop();
    this.metrics.close();
    await this.proxy?.close();
    this.proxy = null;
    this.listening = null;
  }
}
