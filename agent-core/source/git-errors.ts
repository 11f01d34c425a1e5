import { BerthError } from '../protocol';
import { redactText } from '../runner/redactor';

export interface GitFailureContext {
  /** What Berth was doing, for the message: "fetch", "checkout". */
  operation: string;
  url: string;
  workdir: string;
  tokenGiven: boolean;
  secrets: readonly string[];
  aborted: boolean;
}

const LOCKED = /Unable to create '([^']+\.lock)': File exists|Another git process seems to be running/i;
const MISSING_REF = /couldn't find remote ref (?:refs\/heads\/)?(\S+)/i;
const BAD_CREDENTIALS =
  /Authentication failed|could not read (Username|Password)|terminal prompts disabled|Access denied|returned error: 40[13]|Permission denied \(publickey|Invalid username or (password|token)/i;
const UNREACHABLE =
  /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Connection reset|Network is unreachable|unable to access|does not appear to be a git repository|Could not read from remote repository|repository '[^']*' not found|not found: did you run git update-server-info/i;

/** The branch a failed fetch could not find on the remote, if that is why it failed. */
export function missingRemoteBranch(message: string): string | null {
  return MISSING_REF.exec(message)?.[1] ?? null;
}

/** Turns a failed git call into a SOURCE_FAILED (or CANCELLED) error a person can act on, with every secret masked. */
export function gitFailure(error: unknown, context: GitFailureContext): BerthError {
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactText(raw, context.secrets);
  if (context.aborted) return new BerthError('CANCELLED', `git ${context.operation} was cancelled`);
  const detail = gitDetail(message);

  const locked = LOCKED.exec(message);
  if (locked !== null) {
    const lockFile = locked[1] ? `, or delete ${locked[1]} if no git process is running` : '';
    return new BerthError(
      'SOURCE_FAILED',
      `the working copy ${context.workdir} is locked by another git process; wait for it to finish${lockFile}`,
    );
  }
  const branch = missingRemoteBranch(message);
  if (branch !== null) return new BerthError('SOURCE_FAILED', `branch '${branch}' not found on origin`);
  if (BAD_CREDENTIALS.test(message)) {
    const advice = context.tokenGiven
      ? "the token was refused: check the slot's repository token and its access to this repository"
      : 'it needs credentials: give the slot a repository token (https) or this machine an ssh key (ssh)';
    return new BerthError('SOURCE_FAILED', `could not sign in to the repository at ${context.url}: ${advice} (${detail})`);
  }
  if (UNREACHABLE.test(message)) {
    return new BerthError('SOURCE_FAILED', `cannot reach the repository at ${context.url}: ${detail}`);
  }
  return new BerthError('SOURCE_FAILED', `git ${context.operation} failed in ${context.workdir}: ${detail}`);
}

// git's own words without its "fatal:"/"error:" labels and advice paragraphs, at most three lines.
function gitDetail(message: string): string {
  const lines = message
    .split(/\r?\n/)
    .filter((line) => !/^hint:/i.test(line))
    .map((line) => line.replace(/^(fatal|error|warning|remote):\s*/i, '').trim())
    .filter((line) => line.length > 0);
  return lines.slice(0, 3).join('; ') || 'git gave no reason';
}
