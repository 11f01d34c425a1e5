import { newVariable, type FieldErrors, type VariableForm } from '../model/spec-form';
import { Field } from './field';

interface VariablesEditorProps {
  variables: VariableForm[];
  errors: FieldErrors;
  onChange(variables: VariableForm[]): void;
}

/** The slot's variables; a secret's value can be replaced but is never shown, not even to this form. */
export function VariablesEditor({ variables, errors, onChange }: VariablesEditorProps) {
  const update = (index: number, patch: Partial<VariableForm>): void =>
    onChange(variables.map((variable, at) => (at === index ? { ...variable, ...patch } : variable)));
  return (
    <fieldset className="variables">
      <legend>Variables</legend>
      <p className="field-hint">Used as {'{Name}'} in commands, working directories and environment values.</p>
      {variables.length === 0 ? <p className="muted">No variables.</p> : null}
      {variables.map((variable, index) => {
        const label = variable.name || `variable ${index + 1}`;
        return (
          <div className="variable-row" key={variable.key} role="group" aria-label={`Variable ${label}`}>
            <Field label="Name" error={errors[`template.variables.${index}.name`]}>
              {(props) => <input {...props} className="mono" value={variable.name} onChange={(event) => update(index, { name: event.target.value })} />}
            </Field>
            <Field
              label="Value"
              error={errors[`template.variables.${index}.value`]}
              hint={variable.secret && variable.stored ? 'A value is stored; type a new one to replace it.' : undefined}
            >
              {(props) => (
                <input
                  {...props}
                  type={variable.secret ? 'password' : 'text'}
                  autoComplete="off"
                  placeholder={variable.secret && variable.stored ? '•••••••• (stored)' : undefined}
                  value={variable.value}
                  onChange={(event) => update(index, { value: event.target.value })}
                />
              )}
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={variable.secret} onChange={(event) => update(index, { secret: event.target.checked })} />
              Secret
            </label>
            <button type="button" onClick={() => onChange(variables.filter((_, at) => at !== index))} aria-label={`Remove ${label}`}>
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...variables, newVariable()])}>
        Add variable
      </button>
    </fieldset>
  );
}
