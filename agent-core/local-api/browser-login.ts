import { newSecret } from './local-api-files';
import { sameSecret } from './request-guard';

export const LOGIN_TOKEN_TTL_MS = 15 * 60_000;
const MAX_SESSIONS = 100;

/**
 * Logging a browser into the window: a one-time login token, printed by `berth-agent run` and
 * `berth-agent open`, is exchanged once for a session cookie (HttpOnly, so page scripts cannot read
 * it; SameSite=Strict, so no other site's page can make the browser send it). Sessions live as
 * long as the agent process.
 */
export class BrowserLogin {
  private readonly loginTokens = new Map<string, number>();
  private readonly sessions = new Set<string>();
  readonly cookieName: string;

  constructor(
    port: number,
    private readonly ttlMs = LOGIN_TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    // Cookies do not tell ports apart: a name per port keeps two agents on one machine from clashing.
    this.cookieName = `berth_session_${port}`;
  }

  issue(): string {
    this.prune();
    const token = newSecret();
    this.loginTokens.set(token, this.now() + this.ttlMs);
    return token;
  }

  /** A new session for a valid, unused, unexpired token; null otherwise. The token is spent either way. */
  redeem(token: string): string | null {
    this.prune();
    const match = [...this.loginTokens.keys()].find((candidate) => sameSecret(token, candidate));
    if (match === undefined) return null;
    this.loginTokens.delete(match);
    const session = newSecret();
    this.sessions.add(session);
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.values().next().value!);
    return session;
  }

  setCookie(session: string): string {
    return `${this.cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** True when the Cookie header carries a session this agent issued. */
  hasSession(cookieHeader: string | undefined): boolean {
    const value = readCookie(cookieHeader, this.cookieName);
    return value !== null && [...this.sessions].some((session) => sameSecret(value, session));
  }

  private prune(): void {
    const now = this.now();
    for (const [token, expiresAt] of this.loginTokens) if (expiresAt <= now) this.loginTokens.delete(token);
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
