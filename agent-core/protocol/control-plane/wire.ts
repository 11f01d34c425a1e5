/** The protocol version this agent speaks, sent in `hello`. */
export const PROTOCOL_VERSION = 1;

/** The WebSocket subprotocol the agent asks for; a server that does not select it does not speak version 1. */
export const SUBPROTOCOL = 'berth.agent.v1';

/** Appended to the server URL's own path. */
export const CONNECT_PATH = '/agent/v1/connect';

/** Larger frames are a protocol error on both sides (close code 1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** WebSocket close codes with a meaning in this protocol. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  tooLarge: 1009,
  keyRevoked: 4001,
  replaced: 4002,
  protocolUnsupported: 4003,
} as const;
