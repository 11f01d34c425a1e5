export { Settings, loadSettings, saveSettings, settingsPath } from './settings';
export { defaultStoragePath } from './storage-path';
export { secureStorage } from './storage-access';
export { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE } from './storage-access.posix';
export { storageAclCommands, type AclCommand, type WindowsAccount } from './storage-acl.win32';
