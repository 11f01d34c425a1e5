import { timingSafeEqual } from 'node:crypto';

/** The two names the agent's own pages may be reached under; anything else is a rebinding attack or a mistake. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Why this Host header is refused (a DNS-rebinding page sends its own name), or null. */
export function hostProblem(host: string | undefined, port: number): string | null {
  if (host === undefined) return 'the request has no Host header';
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  return allowed.includes(host.toLowerCase()) ? null : `Host '${host}' is not this agent (expected ${allowed.join(' or ')})`;
}

/** Why this Origin is refused, or null; a request without one (not from a browser) passes here. */
export function originProblem(origin: string | undefined, port: number): string | null {
  if (origin === undefined) return null;
  return ownOrigins(port).includes(origin.toLowerCase()) ? null : `Origin '${origin}' may not use this agent's local API`;
}

/** Why this Origin may not speak for a browser session, or null: unlike `originProblem`, a missing Origin is refused, as every browser sends one. */
export function browserOriginProblem(origin: string | undefined, port: number): string | null {
  if (origin === undefined) return 'a browser session is accepted only from the window\'s own page, which sends its Origin';
  return originProblem(origin, port);
}

export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}

/** Compares secrets in constant time, so response timing tells nothing about how much of a guess was right. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
