import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { SettingsView } from '../../../agent-core/protocol/local-api';
import { desktopBridge } from '../api';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore } from '../stores/agent-store';
import { Field } from './field';

const API_KEY_SOURCES: Record<SettingsView['apiKey'], string> = {
  none: 'No API key is set.',
  keychain: 'An API key is stored in the OS keychain. It is never shown; type a new one to replace it.',
  env: 'The API key comes from the BERTH_API_KEY environment variable, which wins over a stored one.',
};

export function SettingsPage() {
  const settings = useAgentStore((store) => store.state?.settings ?? null);
  const host = useAgentStore((store) => store.state?.host ?? null);
  if (!settings || !host) return null;
  return (
    <section className="page settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <HostNameForm settings={settings} />
      <ServerForm settings={settings} />
      <ApiKeyForm settings={settings} />
      <SourceRootsForm settings={settings} />
      <StartAtLogin />
      <section className="section" aria-labelledby="about-title">
        <h2 id="about-title">This agent</h2>
        <dl className="facts">
          <dt>Machine</dt>
          <dd>
            {host.hostname} ({host.os}/{host.arch})
          </dd>
          <dt>Agent version</dt>
          <dd>{host.version}</dd>
          <dt>Storage</dt>
          <dd className="mono">{settings.storagePath}</dd>
        </dl>
      </section>
    </section>
  );
}

/** One setting's form: its own save button, and what happened right under it. */
function SettingForm({ title, children, onSubmit }: { title: string; children(state: FormState): ReactNode; onSubmit(): Promise<string> }) {
  const [state, setState] = useState<FormState>({ saving: false, message: null, error: null });
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setState({ saving: true, message: null, error: null });
    try {
      setState({ saving: false, message: await onSubmit(), error: null });
    } catch (error) {
      setState({ saving: false, message: null, error: (error as Error).message });
    }
  };
  const id = `setting-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <form className="section setting" aria-labelledby={id} onSubmit={(event) => void submit(event)}>
      <h2 id={id}>{title}</h2>
      {children(state)}
      {state.message ? (
        <p className="form-message" role="status">
          {state.message}
        </p>
      ) : null}
      {state.error ? (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

interface FormState {
  saving: boolean;
  message: string | null;
  error: string | null;
}

function SaveButton({ state, label = 'Save' }: { state: FormState; label?: string }) {
  const live = useAgentStore((store) => store.live);
  return (
    <button type="submit" className="primary" disabled={!live || state.saving}>
      {state.saving ? 'Saving…' : label}
    </button>
  );
}

function HostNameForm({ settings }: { settings: SettingsView }) {
  const [name, setName] = useState(settings.name);
  return (
    <SettingForm
      title="Host name"
      onSubmit={async () => {
        const saved = await agentActions.updateSettings({ name: name.trim() });
        return `The control plane now shows this machine as ${saved.name}.`;
      }}
    >
      {(state) => (
        <div className="inline-form">
          <Field label="Name" hint="How the control plane lists this machine.">
            {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} required maxLength={128} />}
          </Field>
          <SaveButton state={state} />
        </div>
      )}
    </SettingForm>
  );
}

function ServerForm({ settings }: { settings: SettingsView }) {
  const [url, setUrl] = useState(settings.serverUrl ?? '');
  return (
    <SettingForm
      title="Control plane"
      onSubmit={async () => {
        const saved = await agentActions.updateSettings({ serverUrl: url.trim() === '' ? null : url.trim() });
        return saved.serverUrl ? `Connecting to ${saved.serverUrl}; the header shows how it goes.` : 'This machine now runs its local slots only.';
      }}
    >
      {(state) => (
        <div className="inline-form">
          <Field label="Server URL" hint="https://… of the control plane; empty: local slots only.">
            {(props) => <input {...props} type="url" className="mono" value={url} onChange={(event) => setUrl(event.target.value)} />}
          </Field>
          <SaveButton state={state} />
        </div>
      )}
    </SettingForm>
  );
}

function ApiKeyForm({ settings }: { settings: SettingsView }) {
  const [apiKey, setApiKey] = useState('');
  const live = useAgentStore((store) => store.live);
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <SettingForm
      title="API key"
      onSubmit={async () => {
        await agentActions.setApiKey(apiKey);
        setApiKey('');
        return 'The key is stored in the OS keychain; the agent connects with it now.';
      }}
    >
      {(state) => (
        <>
          <p>{API_KEY_SOURCES[settings.apiKey]}</p>
          <div className="inline-form">
            <Field label="New API key">
              {(props) => (
                <input {...props} type="password" autoComplete="off" value={apiKey} onChange={(event) => setApiKey(event.target.value)} required />
              )}
            </Field>
            <SaveButton state={state} label="Save key" />
            {settings.apiKey === 'keychain' ? (
              <button
                type="button"
                disabled={!live}
                onClick={() =>
                  void agentActions.clearApiKey().then(
                    () => setRemoving('The key was removed from the keychain.'),
                    (error: Error) => setRemoving(`Could not remove the key: ${error.message}`),
                  )
                }
              >
                Remove key
              </button>
            ) : null}
          </div>
          {removing ? <p role="status">{removing}</p> : null}
        </>
      )}
    </SettingForm>
  );
}

function SourceRootsForm({ settings }: { settings: SettingsView }) {
  const [root, setRoot] = useState('');
  const live = useAgentStore((store) => store.live);
  const [error, setError] = useState<string | null>(null);
  const remove = (gone: string): void => {
    setError(null);
    agentActions.updateSettings({ sourceRoots: settings.sourceRoots.filter((item) => item !== gone) }).catch((failure: Error) => setError(failure.message));
  };
  return (
    <SettingForm
      title="Source roots"
      onSubmit={async () => {
        await agentActions.updateSettings({ sourceRoots: [...settings.sourceRoots, root.trim()] });
        setRoot('');
        return `Folders under ${root.trim()} can now be deployed.`;
      }}
    >
      {(state) => (
        <>
          <p className="field-hint">Local slots may deploy folders under these only.</p>
          {settings.sourceRoots.length === 0 ? (
            <p className="muted">None yet: add the folder that holds your apps.</p>
          ) : (
            <ul className="plain-list">
              {settings.sourceRoots.map((item) => (
                <li key={item}>
                  <span className="mono">{item}</span>
                  <button type="button" disabled={!live} onClick={() => remove(item)} aria-label={`Remove source root ${item}`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="inline-form">
            <Field label="Add a folder" hint="An absolute path on this machine.">
              {(props) => <input {...props} className="mono" value={root} onChange={(event) => setRoot(event.target.value)} required />}
            </Field>
            <SaveButton state={state} label="Add" />
          </div>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </>
      )}
    </SettingForm>
  );
}

function StartAtLogin() {
  const bridge = desktopBridge();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void bridge?.getStartAtLogin().then(setEnabled, (failure: Error) => setError(failure.message));
  }, [bridge]);
  if (!bridge) return null;
  return (
    <section className="section" aria-labelledby="login-item-title">
      <h2 id="login-item-title">Start at login</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={enabled === true}
          disabled={enabled === null}
          onChange={(event) => {
            setError(null);
            bridge.setStartAtLogin(event.target.checked).then(setEnabled, (failure: Error) => setError(failure.message));
          }}
        />
        Start Berth in the tray when I log in to this computer
      </label>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
