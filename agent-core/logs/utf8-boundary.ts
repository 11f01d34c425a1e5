/** The first index at or after `from` that starts a UTF-8 character (skips at most the 3 continuation bytes one character can have). */
export function utf8CharacterStart(bytes: Uint8Array, from: number): number {
  let index = from;
  while (index < bytes.length && index < from + 3 && (bytes[index] & 0xc0) === 0x80) index++;
  return index;
}
