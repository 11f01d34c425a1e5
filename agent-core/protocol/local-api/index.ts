export * from './state';
export * from './events';
export * from './requests';
export * from './slot-proposal';
export * from './frames';
export type { Transport } from './transport';
export { applyDelta } from './apply-delta';
export { StateSync, type DeltaOutcome } from './state-sync';
export { LocalApiClient, type CallArgs, type LocalApiClientEvents, type LogStream, type MetricsStream } from './client';
export { createPortTransport, type MessagePortLike } from './port-transport';
export { createWebSocketTransport, openWebSocketTransport, type WebSocketLike } from './websocket-transport';
export {
  LOCAL_API_PROTOCOL,
  LOGIN_FRAGMENT_KEY,
  LOGIN_PATH,
  LoginExchangeRequest,
  LoginExchangeResponse,
  browserSessionProtocols,
  sessionFromProtocols,
} from './browser-session';
