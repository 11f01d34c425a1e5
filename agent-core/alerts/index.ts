export type { Alert, AlertEvent } from './alert';
export { AlertMonitor, FAILURES_IN_A_ROW, type AlertMonitorOptions } from './alert-monitor';
export { WebhookSender, WEBHOOK_ATTEMPTS, type WebhookSenderOptions } from './webhook-sender';
