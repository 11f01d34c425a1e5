import type { ReactNode } from 'react';
import { desktopBridge } from '../api';

/** A slot's URL: a new tab in a browser, the default browser from the desktop window. */
export function ExternalLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  return (
    <a
      href={href}
      className={className}
      target="_blank"
      rel="noreferrer noopener"
      onClick={(event) => {
        const bridge = desktopBridge();
        if (!bridge) return;
        event.preventDefault();
        void bridge.openExternal(href);
      }}
    >
      {children}
    </a>
  );
}
