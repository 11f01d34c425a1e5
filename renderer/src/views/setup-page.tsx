import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConnectionView } from '../../../agent-core/protocol/local-api';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore } from '../stores/agent-store';
import { uiActions } from '../stores/ui-store';
import { Field } from './field';

// How long the page waits for the agent's connection to change before telling the state as it is.
const SETTLE_MS = 8_000;

/** First run: connect this machine to a control plane, or skip to use it on its own. */
export function SetupPage() {
  const host = useAgentStore((store) => store.state?.host ?? null);
  const settings = useAgentStore((store) => store.state?.settings ?? null);
  const connection = useAgentStore((store) => store.state?.connection ?? null);
  const live = useAgentStore((store) => store.live);
  const [serverUrl, setServerUrl] = useState(settings?.serverUrl ?? '');
  const [name, setName] = useState(settings?.name ?? host?.name ?? '');
  const [apiKey, setApiKey] = useState('');
  const [phase, setPhase] = useState<'form' | 'saving' | 'testing' | 'settled'>('form');
  const [error, setError] = useState<string | null>(null);
  const before = useRef<ConnectionView | null>(null);

  useEffect(() => {
    if (phase !== 'testing' || !connection) return;
    const changed = connection !== before.current && connection.status !== 'connecting';
    if (changed) {
      setPhase('settled');
      return;
    }
    const timer = setTimeout(() => setPhase('settled'), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [phase, connection]);

  const finish = (): void => {
    uiActions.dismissSetup();
    uiActions.navigate({ view: 'slots' });
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setPhase('saving');
    // Once a server URL is saved this is no longer a first run: the page stays by its own route.
    uiActions.navigate({ view: 'setup' });
    try {
      before.current = connection;
      await agentActions.updateSettings({ name: name.trim(), serverUrl: serverUrl.trim() });
      await agentActions.setApiKey(apiKey);
      setApiKey('');
      setPhase('testing');
    } catch (failure) {
      setError((failure as Error).message);
      setPhase('form');
    }
  };

  return (
    <section className="page setup" aria-labelledby="setup-title">
      <h1 id="setup-title">Set up this machine</h1>
      <p>
        Berth runs slots on this machine. Connect it to your control plane so slots can be assigned to it there, or skip this and define local
        slots yourself.
      </p>
      <form className="form setup-form" onSubmit={(event) => void submit(event)}>
        <Field label="Server URL" hint="The control plane's address, e.g. https://deploy.example.com.">
          {(props) => (
            <input {...props} type="url" className="mono" value={serverUrl} onChange={(event) => setServerUrl(event.target.value)} required />
          )}
        </Field>
        <Field label="Host name" hint="How the control plane lists this machine.">
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} required maxLength={128} />}
        </Field>
        <Field label="API key" hint="From the control plane's host settings; kept in the OS keychain and never shown again.">
          {(props) => <input {...props} type="password" autoComplete="off" value={apiKey} onChange={(event) => setApiKey(event.target.value)} required />}
        </Field>
        {error ? (
          <p className="field-error" role="alert">
            Not saved: {error}
          </p>
        ) : null}
        <div className="button-row">
          <button type="submit" className="primary" disabled={!live || phase === 'saving' || phase === 'testing'}>
            {phase === 'saving' ? 'Saving…' : phase === 'testing' ? 'Connecting…' : 'Connect'}
          </button>
          <button type="button" onClick={finish}>
            Skip: use this machine on its own
          </button>
        </div>
      </form>
      {phase === 'testing' || phase === 'settled' ? <Outcome connection={connection} settled={phase === 'settled'} onContinue={finish} /> : null}
    </section>
  );
}

function Outcome({ connection, settled, onContinue }: { connection: ConnectionView | null; settled: boolean; onContinue(): void }) {
  if (!connection || !settled) {
    return (
      <p className="setup-outcome" role="status">
        Trying the connection…
      </p>
    );
  }
  const text = outcomeText(connection);
  const good = connection.status === 'online';
  return (
    <div className={`banner ${good ? 'banner-ok' : 'banner-warning'}`} role={good ? 'status' : 'alert'}>
      <p>{text}</p>
      <button type="button" className={good ? 'primary' : undefined} onClick={onContinue}>
        {good ? 'Continue' : 'Continue anyway'}
      </button>
    </div>
  );
}

function outcomeText(connection: ConnectionView): string {
  switch (connection.status) {
    case 'online':
      return `Connected: the control plane knows this machine${connection.hostId ? ` as host ${connection.hostId}` : ''}.`;
    case 'key-rejected':
      return 'The server refused the API key. Check that it is this host’s key and that it was not revoked, then enter it again.';
    case 'offline':
      return `The server could not be reached: ${connection.message ?? 'no answer'}. Check the URL and that this machine can reach it; the agent keeps trying.`;
    case 'protocol-unsupported':
      return `The server does not speak this agent's protocol: ${connection.message ?? ''}. Update Berth or check the URL.`;
    case 'connecting':
      return 'Still connecting; the header shows how it goes.';
    case 'disabled':
      return `The agent does not connect: ${connection.message ?? 'no server URL or API key'}.`;
    case 'replaced':
      return 'Another agent is connected as this host; this one waits before trying again.';
  }
}
