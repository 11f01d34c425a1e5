// Reads the counts and the skipped tests out of node:test's TAP report.

/** Counts from the summary node:test writes at the end; null when the report has none (the run died). */
export function tapCounts(tap) {
  const count = (name) => {
    const match = new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap);
    return match === null ? null : Number(match[1]);
  };
  const [pass, fail, cancelled, skipped, todo] = ['pass', 'fail', 'cancelled', 'skipped', 'todo'].map(count);
  if (pass === null || fail === null) return null;
  return { passed: pass, failed: fail + (cancelled ?? 0), skipped: (skipped ?? 0) + (todo ?? 0) };
}

/** Each skipped test with the reason it gave, so that none passes unseen. */
export function skippedTests(tap) {
  return [...tap.matchAll(/^\s*ok \d+ - (.+?) # SKIP\s*(.*)$/gm)].map(([, name, reason]) => ({ name, reason: reason.trim() }));
}

export function failedTests(tap) {
  return [...tap.matchAll(/^\s*not ok \d+ - (.+?)(?: # .*)?$/gm)].map(([, name]) => name);
}
