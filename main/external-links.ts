import type { AgentState } from '../agent-core/protocol/local-api';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Only a slot's own address may leave the app for the browser: its URL, or a port one of its
 * deployments listens on here (a preview). Everything else (file:, other sites) is refused.
 */
export function isSlotUrl(url: string, state: AgentState | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  for (const slot of state?.slots ?? []) {
    for (const candidate of [slot.status.url, slot.spec.url]) {
      if (candidate && sameOrigin(candidate, parsed)) return true;
    }
    if (LOCAL_HOSTS.has(parsed.hostname) && slot.deployments.some((deployment) => deployment.port !== null && String(deployment.port) === parsed.port)) {
      return true;
    }
  }
  return false;
}

function sameOrigin(candidate: string, url: URL): boolean {
  try {
    return new URL(candidate).origin === url.origin;
  } catch {
    return false;
  }
}
