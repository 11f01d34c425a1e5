import { BerthError } from '../protocol';

/** What a person can do when the OS keychain refuses or cannot be reached, for each platform. */
export function keychainHint(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock the login keychain in Keychain Access and allow Berth to use it when macOS asks.';
    case 'win32':
      return 'Check that Windows Credential Manager is available to the user account Berth runs as.';
    default:
      return (
        'On Linux Berth keeps secrets in a Secret Service: a keyring such as gnome-keyring or KWallet must be running ' +
        'and unlocked in this session (on a server without a desktop, start Berth under dbus-run-session with ' +
        'gnome-keyring-daemon --unlock --components=secrets).'
      );
  }
}

/**
 * keytar's errors come from the OS (D-Bus, Security framework, Credential Manager) and name the
 * failure, never the value, so they are kept for the person reading the message.
 */
export function keychainError(action: string, error: unknown, platform: NodeJS.Platform): BerthError {
  const reason = error instanceof Error ? error.message : String(error);
  return new BerthError('INTERNAL', `Berth could not ${action} in the OS keychain (${reason}). ${keychainHint(platform)}`);
}
