import { BerthError, type Deployment, type ErrorCode } from '../protocol';

/** A deployment's failure, carrying the failed deployment so a command result can report it as `data`. */
export class DeploymentFailed extends BerthError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly deployment: Deployment,
  ) {
    super(code, message);
    this.name = 'DeploymentFailed';
  }
}
