/** Where a command's terminal output goes: the deployment's redacting log writer, a test's buffer. */
export interface OutputSink {
  write(chunk: string): void;
}
