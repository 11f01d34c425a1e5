import { MAX_FRAME_BYTES, type ReliableBody } from '../protocol/control-plane';

// Room for `seq` and the JSON around the body.
const LIMIT = MAX_FRAME_BYTES - 1024;
const KEPT_ERROR_CHARACTERS = 16 * 1024;

function size(body: ReliableBody): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/**
 * A reliable message must fit one frame, or it would block every message after it forever. Error
 * texts (a deployment's, a slot's) are cut to their start; a result that is still too large is
 * replaced by an INTERNAL error saying so.
 */
export function fitFrame(body: ReliableBody): ReliableBody {
  if (size(body) <= LIMIT) return body;
  if ((body.type === 'slot.status' || body.type === 'deployment.update') && typeof body.error === 'string') {
    const cut = { ...body, error: `${body.error.slice(0, KEPT_ERROR_CHARACTERS)}… (cut: the full text is in the agent's log)` };
    if (size(cut) <= LIMIT) return cut;
  }
  if (body.type === 'result') {
    return {
      type: 'result',
      commandId: body.commandId,
      ok: false,
      error: { code: 'INTERNAL', message: 'the result was larger than the 1 MiB a frame may carry; ask for less (for logs: a smaller tailBytes)' },
    };
  }
  if (body.type === 'progress') return { ...body, message: `${body.message.slice(0, KEPT_ERROR_CHARACTERS)}…` };
  return body;
}
