import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { routeHref } from '../model/route';
import { buildSlot, emptySlotForm, formFromSlot, PHASES, type FieldErrors, type SlotForm } from '../model/spec-form';
import { agentActions } from '../stores/agent-actions';
import { useAgentStore, useSlot } from '../stores/agent-store';
import { uiActions } from '../stores/ui-store';
import { CommandListEditor } from './command-list-editor';
import { EmptyState, SlotNotFound } from './empty-state';
import { Field } from './field';
import { TrafficFields } from './traffic-fields';
import { VariablesEditor } from './variables-editor';

/** Creates a local slot, or edits one (a slot from the control plane is edited there). */
export function SlotEditorPage({ slotId }: { slotId: string | null }) {
  const slot = useSlot(slotId ?? '');
  if (slotId !== null && !slot) {
    return <SlotNotFound />;
  }
  if (slot && slot.origin !== 'local') {
    return (
      <section className="page">
        <EmptyState title={`${slot.spec.name} comes from the control plane`}>
          <p>Its commands and settings are edited on the server; starting, stopping and deploying it work here.</p>
          <a className="button" href={routeHref({ view: 'slot', slotId: slot.id })}>
            Back to {slot.spec.name}
          </a>
        </EmptyState>
      </section>
    );
  }
  return <SlotEditor key={slot?.id ?? 'new'} slot={slot} />;
}

export interface SlotEditorProps {
  slot: SlotView | null;
  /** A form to start from instead of the slot's (a template proposed for a folder). */
  initial?: SlotForm;
  title?: string;
  submitLabel?: string;
  /** Shown under the title, before the form. */
  intro?: ReactNode;
  /** Takes over once a new slot is created (the folder flow deploys it at once); by default the slot's page opens. */
  onCreated?(saved: SlotView): void;
}

/** The form of a local slot's spec and source, checked with the schemas the agent uses. */
export function SlotEditor({ slot, initial, title: givenTitle, submitLabel, intro, onCreated }: SlotEditorProps) {
  const live = useAgentStore((store) => store.live);
  const sourceRoots = useAgentStore((store) => store.state?.settings.sourceRoots ?? []);
  const [form, setForm] = useState<SlotForm>(() => initial ?? (slot ? formFromSlot(slot) : emptySlotForm()));
  const [attempted, setAttempted] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const change = (patch: Partial<SlotForm>): void => setForm((current) => ({ ...current, ...patch }));
  const title = givenTitle ?? (slot ? `Edit ${slot.spec.name}` : 'New local slot');
  // Once a save was tried, every change is checked again at once, with the schemas the agent uses.
  const errors: FieldErrors = useMemo(() => (attempted ? buildSlot(form, slot?.id ?? 'slot_new', slot?.spec ?? null).errors : {}), [attempted, form, slot]);

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const id = slot?.id ?? `slot_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const built = buildSlot(form, id, slot?.spec ?? null);
    setAttempted(true);
    setFailure(null);
    if (!built.slot) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setSaving(true);
    try {
      const saved = slot
        ? await agentActions.updateLocalSlot(slot.id, built.slot.spec, built.slot.source)
        : await agentActions.createLocalSlot(built.slot.spec, built.slot.source);
      if (!slot && onCreated) {
        onCreated(saved);
        return;
      }
      uiActions.notify('info', slot ? `Saved ${saved.spec.name}.` : `Created ${saved.spec.name}. Deploy it to bring it up.`);
      uiActions.navigate({ view: 'slot', slotId: saved.id });
    } catch (error) {
      setFailure((error as Error).message);
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setSaving(false);
    }
  };

  const problems = Object.entries(errors);
  return (
    <section className="page" aria-labelledby="editor-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ view: 'slots' })}>Slots</a>
        {slot ? (
          <>
            {' '}
            <span aria-hidden="true">/</span> <a href={routeHref({ view: 'slot', slotId: slot.id })}>{slot.spec.name}</a>
          </>
        ) : null}
      </nav>
      <h1 id="editor-title">{title}</h1>
      {intro}
      <form className="form slot-editor" onSubmit={(event) => void save(event)} noValidate>
        <div ref={summary} tabIndex={-1} className="error-summary-anchor">
          {problems.length > 0 || failure ? (
            <div className="banner banner-danger" role="alert">
              {failure ? <p>The agent did not save it: {failure}</p> : <p>Fix these before saving:</p>}
              {problems.length > 0 ? (
                <ul>
                  {problems.map(([path, message]) => (
                    <li key={path}>
                      <span className="mono">{path}</span>: {message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        <fieldset>
          <legend>Slot</legend>
          <div className="form-grid">
            <Field label="Name" error={errors['name']} hint="Also a folder name: no slashes.">
              {(props) => <input {...props} value={form.name} onChange={(event) => change({ name: event.target.value })} required />}
            </Field>
            <Field label="Workspace" error={errors['workspace']}>
              {(props) => <input {...props} value={form.workspace} onChange={(event) => change({ workspace: event.target.value })} required />}
            </Field>
            <Field label="URL (optional)" error={errors['url']} hint="Where people reach it, if not this machine's public port.">
              {(props) => <input {...props} type="url" value={form.url} onChange={(event) => change({ url: event.target.value })} />}
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Source</legend>
          <div className="radio-row" role="radiogroup" aria-label="Source kind">
            <label className="checkbox">
              <input type="radio" name="source" checked={form.sourceKind === 'directory'} onChange={() => change({ sourceKind: 'directory' })} />
              A folder on this machine
            </label>
            <label className="checkbox">
              <input type="radio" name="source" checked={form.sourceKind === 'git'} onChange={() => change({ sourceKind: 'git' })} />A branch of a git
              repository
            </label>
          </div>
          {form.sourceKind === 'directory' ? (
            <Field
              label="Directory"
              error={errors['source.path']}
              hint={sourceRoots.length > 0 ? `Under a source root: ${sourceRoots.join(', ')}.` : 'Add a source root in Settings first: folders outside them are refused.'}
            >
              {(props) => <input {...props} className="mono" value={form.directory} onChange={(event) => change({ directory: event.target.value })} />}
            </Field>
          ) : (
            <div className="form-grid">
              <Field label="Repository URL" error={errors['repository.url']} hint="https://, ssh, file:// or a local path.">
                {(props) => <input {...props} className="mono" value={form.repositoryUrl} onChange={(event) => change({ repositoryUrl: event.target.value })} />}
              </Field>
              <Field label="Branch" error={errors['source.branch']}>
                {(props) => <input {...props} value={form.branch} onChange={(event) => change({ branch: event.target.value })} />}
              </Field>
              <Field label="Access token (optional)" hint={form.tokenStored ? 'A token is stored; type a new one to replace it.' : 'Never shown again once saved.'}>
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    autoComplete="off"
                    placeholder={form.tokenStored ? '•••••••• (stored)' : undefined}
                    value={form.repositoryToken}
                    onChange={(event) => change({ repositoryToken: event.target.value })}
                  />
                )}
              </Field>
            </div>
          )}
        </fieldset>
        <TrafficFields form={form} errors={errors} onChange={change} />
        <fieldset>
          <legend>Commands</legend>
          <div className="form-grid">
            <Field label="Working directory" error={errors['template.workingDirectory']} hint="Of every command, relative to the working copy.">
              {(props) => <input {...props} value={form.workingDirectory} onChange={(event) => change({ workingDirectory: event.target.value })} />}
            </Field>
            <Field label="Startup commands run">
              {(props) => (
                <select
                  {...props}
                  value={form.startupExecution}
                  onChange={(event) => change({ startupExecution: event.target.value as SlotForm['startupExecution'] })}
                >
                  <option value="sequential">one after another</option>
                  <option value="parallel">all at once</option>
                </select>
              )}
            </Field>
          </div>
          {PHASES.map((phase) => (
            <CommandListEditor
              key={phase}
              phase={phase}
              commands={form.phases[phase]}
              errors={errors}
              onChange={(commands) => change({ phases: { ...form.phases, [phase]: commands } })}
            />
          ))}
        </fieldset>
        <VariablesEditor variables={form.variables} errors={errors} onChange={(variables) => change({ variables })} />
        <div className="button-row form-actions">
          <button type="submit" className="primary" disabled={!live || saving}>
            {saving ? 'Saving…' : (submitLabel ?? (slot ? 'Save' : 'Create slot'))}
          </button>
          <a className="button" href={slot ? routeHref({ view: 'slot', slotId: slot.id }) : routeHref({ view: 'slots' })}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
