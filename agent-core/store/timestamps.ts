/** The form every timestamp takes in the store and on the wire: ISO 8601 in UTC, to the millisecond. */
export function now(): string {
  return new Date().toISOString();
}
