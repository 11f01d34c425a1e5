import { BerthError } from '../protocol';

// The rules of `git check-ref-format --branch`, checked here so that a bad name never reaches git's
// argv (a leading '-' would be read as an option) or a refspec (':' and '*' change its meaning).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_REF = /[\u0000-\u0020\u007f~^:?*[\\]/;

/** Why `name` cannot be a branch name, or null when it can. */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 255) return 'is longer than 255 characters';
  if (name.startsWith('-')) return "starts with '-'";
  if (name === '@' || name === 'HEAD') return 'is reserved by git';
  if (FORBIDDEN_IN_REF.test(name)) return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('@{')) return "contains '..' or '@{'";
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return "has an empty part between '/'";
  if (name.endsWith('.')) return "ends with '.'";
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return "has a part that starts with '.'";
    if (part.endsWith('.lock')) return "has a part that ends with '.lock'";
  }
  return null;
}

export function assertBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem !== null) throw new BerthError('INVALID_PAYLOAD', `branch name '${name}' ${problem}`);
}

// Abbreviated or full SHA-1 / SHA-256 object names; nothing else may stand where a commit goes.
const COMMIT_ID = /^[0-9a-f]{7,64}$/i;

export function assertCommitId(commit: string): void {
  if (!COMMIT_ID.test(commit)) {
    throw new BerthError('INVALID_PAYLOAD', `commit '${commit}' is not a commit id (7 to 64 hexadecimal digits)`);
  }
}

/** The remote-tracking ref a fetched branch lands in. */
export function remoteRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}
