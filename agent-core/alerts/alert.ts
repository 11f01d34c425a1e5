/** What an alert is about. */
export type AlertEvent = 'deployment.failed' | 'guard.tripped' | 'slot.error' | 'deployments.failing' | 'storage.low' | 'storage.ok';

/** One alert, as the webhook receives it (JSON body of the POST) and the window shows it. */
export interface Alert {
  event: AlertEvent;
  /** The host's name (settings.name). */
  host: string;
  /** `workspace/name` of the slot, or null for a host-wide alert. */
  slot: string | null;
  /** The deployment's id, or null when the alert is not about one. */
  deployment: string | null;
  message: string;
}
