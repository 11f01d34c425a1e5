import { CommandType } from '../../../agent-core/protocol';
import { newCommand, type CommandForm, type FieldErrors, type PhaseName } from '../model/spec-form';
import { Field } from './field';

const PHASE_TITLES: Record<PhaseName, { title: string; hint: string }> = {
  initial: { title: 'Initial commands', hint: 'Run once per working copy, e.g. npm ci.' },
  startup: { title: 'Startup commands', hint: 'Run at every deployment and start; mark the long-running server as the service.' },
  shutdown: { title: 'Shutdown commands', hint: 'Run when the slot stops, before its service gets Ctrl+C.' },
};

interface CommandListEditorProps {
  phase: PhaseName;
  commands: CommandForm[];
  errors: FieldErrors;
  onChange(commands: CommandForm[]): void;
}

/** The commands of one phase, in order: type, name, what to run, working directory, env, service. */
export function CommandListEditor({ phase, commands, errors, onChange }: CommandListEditorProps) {
  const { title, hint } = PHASE_TITLES[phase];
  const update = (index: number, patch: Partial<CommandForm>): void => onChange(commands.map((command, at) => (at === index ? { ...command, ...patch } : command)));
  const move = (index: number, by: number): void => {
    const next = [...commands];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    onChange(next);
  };
  return (
    <fieldset className="command-list" data-phase={phase}>
      <legend>{title}</legend>
      <p className="field-hint">{hint}</p>
      {errors[`template.${phase}`] ? <p className="field-error">{errors[`template.${phase}`]}</p> : null}
      {commands.map((command, index) => {
        const path = `template.${phase}.${index}`;
        const label = `${title.replace(/s$/, '')} ${index + 1}`;
        return (
          <div className="command-card" key={command.key} role="group" aria-label={label}>
            <div className="command-card-header">
              <strong>{command.name || label}</strong>
              <div className="button-row compact">
                <button type="button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move ${label} up`}>
                  ↑
                </button>
                <button type="button" disabled={index === commands.length - 1} onClick={() => move(index, 1)} aria-label={`Move ${label} down`}>
                  ↓
                </button>
                <button type="button" onClick={() => onChange(commands.filter((_, at) => at !== index))} aria-label={`Remove ${label}`}>
                  Remove
                </button>
              </div>
            </div>
            <div className="form-grid">
              <Field label="Type" error={errors[`${path}.type`]}>
                {(props) => (
                  <select {...props} value={command.type} onChange={(event) => update(index, { type: event.target.value as CommandForm['type'] })}>
                    {CommandType.options.map((type) => (
                      <option key={type} value={type}>
                        {type}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Name" error={errors[`${path}.name`]}>
                {(props) => <input {...props} value={command.name} onChange={(event) => update(index, { name: event.target.value })} />}
              </Field>
              <Field label="Working directory" error={errors[`${path}.workingDirectory`]} hint="Relative to the working copy; empty: its root.">
                {(props) => (
                  <input {...props} value={command.workingDirectory} onChange={(event) => update(index, { workingDirectory: event.target.value })} />
                )}
              </Field>
            </div>
            <Field
              label={command.type === 'node' || command.type === 'python' ? 'Script' : 'Command'}
              error={errors[`${path}.arguments`]}
              hint="{Name} is replaced by a variable's value or a built-in token such as {Port}."
            >
              {(props) => (
                <textarea
                  {...props}
                  className="mono"
                  rows={command.arguments.includes('\n') ? 4 : 1}
                  value={command.arguments}
                  onChange={(event) => update(index, { arguments: event.target.value })}
                />
              )}
            </Field>
            <Field label="Environment" error={errors[`${path}.env`]} hint="One NAME=value per line.">
              {(props) => <textarea {...props} className="mono" rows={2} value={command.env} onChange={(event) => update(index, { env: event.target.value })} />}
            </Field>
            {phase === 'startup' ? (
              <label className="checkbox">
                <input type="checkbox" checked={command.service} onChange={(event) => update(index, { service: event.target.checked })} />
                Service: the long-running process of the slot (it must stay up)
              </label>
            ) : null}
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...commands, newCommand(phase, commands.length === 0)])}>
        Add {title.toLowerCase().replace(/s$/, '')}
      </button>
    </fieldset>
  );
}
