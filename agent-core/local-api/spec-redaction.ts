import { BerthError, type SlotSpec } from '../protocol';
import { REDACTED } from '../secrets';
import { redactedSpec, secretPlaces } from '../secrets/spec-secrets';

/** The spec as a window may show it: every secret replaced by `***`. */
export const redactSpec = redactedSpec;

/** An edited spec whose secrets came back as `***` keeps the values `current` holds for them. */
export function restoreSecrets(edited: SlotSpec, current: SlotSpec): SlotSpec {
  const restored = structuredClone(edited);
  const currentPlaces = new Map(secretPlaces(current).map((place) => [place.key, place]));
  for (const place of secretPlaces(edited)) {
    if (place.read(edited) !== REDACTED) continue;
    const value = currentPlaces.get(place.key)?.read(current);
    if (typeof value !== 'string' || value === '') {
      throw new BerthError('INVALID_PAYLOAD', `${place.key} reads ${REDACTED} but the slot holds no value for it yet; type the value itself`);
    }
    place.write(restored, value);
  }
  return restored;
}
