import { z } from 'zod';

/**
 * How a browser logs into the headless agent's window, shared by the agent and the page.
 *
 * The login link is `http://127.0.0.1:{port}/#login={code}`: the code sits in the fragment, which
 * the browser never sends to any server. The page removes it from the address bar and trades it,
 * once, at `POST /login` for a session secret that it keeps in sessionStorage (which only pages
 * of this exact scheme, host and port can read) and shows on every WebSocket upgrade as a second
 * `Sec-WebSocket-Protocol` value. Nothing is ever a cookie: cookies are not separated by port, so
 * the browser would hand one to every other server on 127.0.0.1.
 */

/** Where the page trades its one-time code for a session secret (POST, JSON, its own Origin). */
export const LOGIN_PATH = '/login';

/** The fragment key of the login link: `#login={code}`. */
export const LOGIN_FRAGMENT_KEY = 'login';

/** The subprotocol the agent agrees to on a browser's upgrade; the only one it ever answers with. */
export const LOCAL_API_PROTOCOL = 'berth.local-api';

// Subprotocol values are HTTP tokens; the session secret is base64url, which is made of token characters.
const SESSION_PROTOCOL_PREFIX = 'berth.session.';

export const LoginExchangeRequest = z.object({ code: z.string().min(1).max(200) });
export type LoginExchangeRequest = z.infer<typeof LoginExchangeRequest>;

export const LoginExchangeResponse = z.object({ session: z.string().regex(/^[A-Za-z0-9_-]+$/) });
export type LoginExchangeResponse = z.infer<typeof LoginExchangeResponse>;

/** The subprotocols a browser offers on its upgrade: the API's own, then its session when it has one. */
export function browserSessionProtocols(session: string | null): string[] {
  return session === null ? [LOCAL_API_PROTOCOL] : [LOCAL_API_PROTOCOL, `${SESSION_PROTOCOL_PREFIX}${session}`];
}

/** The session secret among the offered subprotocols (a `Sec-WebSocket-Protocol` header's values), or null. */
export function sessionFromProtocols(offered: Iterable<string>): string | null {
  for (const value of offered) if (value.startsWith(SESSION_PROTOCOL_PREFIX)) return value.slice(SESSION_PROTOCOL_PREFIX.length);
  return null;
}
