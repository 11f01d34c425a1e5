import { newSecret } from './local-api-files';
import { sameSecret } from './request-guard';

export const LOGIN_TOKEN_TTL_MS = 15 * 60_000;
const MAX_SESSIONS = 100;

/**
 * Logging a browser into the window: a one-time login code, printed in a link by `berth-agent run`
 * and `berth-agent open`, is traded once for a session secret that the page keeps in its own
 * sessionStorage and shows on each WebSocket upgrade (protocol/local-api/browser-session.ts).
 * Never a cookie: the browser would send a cookie to every server on 127.0.0.1, whatever its port.
 * Sessions live as long as the agent process.
 */
export class BrowserLogin {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Set<string>();

  constructor(
    private readonly ttlMs = LOGIN_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new one-time login code, valid for the TTL. */
  issue(): string {
    this.prune();
    const code = newSecret();
    this.codes.set(code, this.now() + this.ttlMs);
    return code;
  }

  /** A new session for a valid, unused, unexpired code; null otherwise. The code is spent either way. */
  redeem(code: string): string | null {
    this.prune();
    const match = [...this.codes.keys()].find((candidate) => sameSecret(code, candidate));
    if (match === undefined) return null;
    this.codes.delete(match);
    const session = newSecret();
    this.sessions.add(session);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value!);
    return session;
  }

  /** True for a session secret this agent issued. */
  hasSession(secret: string | null): boolean {
    return secret !== null && [...this.sessions].some((session) => sameSecret(secret, session));
  }

  private prune(): void {
    const now = this.now();
    for (const [code, expiresAt] of this.codes) if (expiresAt <= now) this.codes.delete(code);
  }
}
