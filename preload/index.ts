import { contextBridge } from 'electron';

// Sandboxed preload: only `electron` and the bundled protocol are available here, never Node modules.
contextBridge.exposeInMainWorld('berth', { platform: process.platform });
