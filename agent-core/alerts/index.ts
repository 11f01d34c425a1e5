export type { Alert, AlertEvent } from './alert';
export { AlertMonitor, LOW_STORAGE_BYTES, FAILURES_IN_A_ROW, type AlertMonitorOptions } from './alert-monitor';
export { WebhookSender, WEBHOOK_ATTEMPTS, type WebhookSenderOptions } from './webhook-sender';
