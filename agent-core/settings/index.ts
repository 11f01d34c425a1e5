export { Settings, loadSettings, saveSettings, settingsPath } from './settings';
export { defaultStoragePath } from './storage-path';
