/** Where the window is, kept in the URL's hash so reloading and the back button work in a browser and in Electron. */
export type Route =
  | { view: 'slots' }
  | { view: 'slot'; slotId: string }
  | { view: 'logs'; slotId: string; deploymentId: string | null }
  | { view: 'edit-slot'; slotId: string }
  | { view: 'new-slot' }
  | { view: 'new-slot-from-folder' }
  | { view: 'settings' }
  | { view: 'setup' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, id, sub, extra] = parts;
  if (first === 'settings') return { view: 'settings' };
  if (first === 'setup') return { view: 'setup' };
  if (first === 'new-slot') return id === 'folder' ? { view: 'new-slot-from-folder' } : { view: 'new-slot' };
  if (first === 'slots' && id) {
    if (sub === 'logs') return { view: 'logs', slotId: id, deploymentId: extra ?? null };
    if (sub === 'edit') return { view: 'edit-slot', slotId: id };
    return { view: 'slot', slotId: id };
  }
  return { view: 'slots' };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'slots':
      return '#/slots';
    case 'slot':
      return `#/slots/${encodeURIComponent(route.slotId)}`;
    case 'logs':
      return `#/slots/${encodeURIComponent(route.slotId)}/logs${route.deploymentId ? `/${encodeURIComponent(route.deploymentId)}` : ''}`;
    case 'edit-slot':
      return `#/slots/${encodeURIComponent(route.slotId)}/edit`;
    case 'new-slot':
      return '#/new-slot';
    case 'new-slot-from-folder':
      return '#/new-slot/folder';
    case 'settings':
      return '#/settings';
    case 'setup':
      return '#/setup';
  }
}
