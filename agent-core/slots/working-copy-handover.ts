/**
 * Waits for both the stop of the working copy's old instance and the work that overlaps it (the
 * source preparation, whose fetch goes into the shared store while the old instance stops), so
 * that nothing is still stopping or writing when the deployment goes on or fails. A failed stop
 * wins over the work's own failure: it is the deployment's error, as when the stop came first.
 */
export async function afterHandover<T>(workingCopyFree: Promise<void>, work: Promise<T>): Promise<T> {
  const [stopped, worked] = await Promise.allSettled([workingCopyFree, work]);
  if (stopped.status === 'rejected') throw stopped.reason;
  if (worked.status === 'rejected') throw worked.reason;
  return worked.value;
}
