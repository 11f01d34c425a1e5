import {
  LOGIN_FRAGMENT_KEY,
  LOGIN_PATH,
  LoginExchangeResponse,
  type LoginExchangeRequest,
} from '../../../agent-core/protocol/local-api';

// sessionStorage belongs to this scheme, host and port and to this tab: no other server on
// 127.0.0.1 can read it, and it outlives a reload of the window but not the tab.
const STORAGE_KEY = 'berth.session';
// Tabs of this same origin tell each other about a fresh login, so a window whose login ended (the
// agent restarted) picks up the one made with a new link in another tab.
const CHANNEL = 'berth.session';

/** Thrown when the agent refuses the link's code: the window says so rather than "not logged in". */
export class LoginLinkRefused extends Error {}

/**
 * The window's login in a plain browser: the one-time code from the link's fragment, traded once
 * for the session secret shown on every WebSocket upgrade (protocol/local-api/browser-session.ts).
 */
export class BrowserSession {
  private pendingCode: string | null;
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

  constructor() {
    this.pendingCode = takeLoginCode();
  }

  /** The session to show the agent, after trading the link's code if the page was opened with one. */
  async current(): Promise<{ session: string | null; linkRefused: boolean }> {
    const code = this.pendingCode;
    this.pendingCode = null;
    if (code === null) return { session: stored(), linkRefused: false };
    const outcome = await exchange(code);
    // An agent that does not answer has not spent the code: the next attempt trades it again.
    if (outcome === 'unreachable') this.pendingCode = code;
    if (outcome === 'refused' || outcome === 'unreachable') return { session: stored(), linkRefused: outcome === 'refused' };
    sessionStorage.setItem(STORAGE_KEY, outcome.session);
    this.channel?.postMessage(outcome.session);
    return { session: outcome.session, linkRefused: false };
  }

  /** Calls `listener` when another tab of this window's origin logged in, after keeping its session. */
  onShared(listener: () => void): void {
    this.channel?.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      sessionStorage.setItem(STORAGE_KEY, event.data);
      listener();
    });
  }
}

function stored(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** The code in `#login=…`, removed from the address bar (and so from history and bookmarks) at once. */
function takeLoginCode(): string | null {
  const code = new URLSearchParams(location.hash.slice(1)).get(LOGIN_FRAGMENT_KEY);
  if (code === null) return null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return code;
}

/** The session for `code`; refused when the agent does not take it (used already, expired, or not its own). */
async function exchange(code: string): Promise<{ session: string } | 'refused' | 'unreachable'> {
  const body: LoginExchangeRequest = { code };
  try {
    const response = await fetch(LOGIN_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) return 'refused';
    const parsed = LoginExchangeResponse.safeParse(await response.json());
    return parsed.success ? { session: parsed.data.session } : 'refused';
  } catch {
    return 'unreachable';
  }
}
