import type { FieldErrors, SlotForm } from '../model/spec-form';
import { Field } from './field';

interface TrafficFieldsProps {
  form: SlotForm;
  errors: FieldErrors;
  onChange(patch: Partial<SlotForm>): void;
}

/** How traffic reaches the slot: one instance in place, or blue and green behind its public port. */
export function TrafficFields({ form, errors, onChange }: TrafficFieldsProps) {
  return (
    <fieldset>
      <legend>Traffic</legend>
      <div className="radio-row" role="radiogroup" aria-label="Traffic mode">
        <label className="checkbox">
          <input type="radio" name="mode" checked={form.mode === 'blue-green'} onChange={() => onChange({ mode: 'blue-green' })} />
          Blue-green: a new version starts beside the live one and takes over once healthy
        </label>
        <label className="checkbox">
          <input type="radio" name="mode" checked={form.mode === 'single'} onChange={() => onChange({ mode: 'single' })} />
          Single: stop, replace in place, start
        </label>
      </div>
      <div className="form-grid">
        <Field label="Public port" error={errors['traffic.publicPort']} hint={form.mode === 'blue-green' ? 'Where users reach the slot; required.' : 'Optional.'}>
          {(props) => <input {...props} inputMode="numeric" value={form.publicPort} onChange={(event) => onChange({ publicPort: event.target.value })} />}
        </Field>
        <Field label="Health check path" error={errors['traffic.healthCheck.path']} hint="Starts with /; empty: no HTTP check.">
          {(props) => <input {...props} value={form.healthPath} onChange={(event) => onChange({ healthPath: event.target.value })} />}
        </Field>
        <Field label="Expected status" error={errors['traffic.healthCheck.expectStatus']}>
          {(props) => <input {...props} inputMode="numeric" value={form.expectStatus} onChange={(event) => onChange({ expectStatus: event.target.value })} />}
        </Field>
        <Field label="Health check timeout (s)" error={errors['traffic.healthCheck.timeoutMs']}>
          {(props) => (
            <input {...props} inputMode="decimal" value={form.healthTimeoutSeconds} onChange={(event) => onChange({ healthTimeoutSeconds: event.target.value })} />
          )}
        </Field>
        <Field label="Drain timeout (s)" error={errors['traffic.drainTimeoutMs']} hint="How long the old color may finish its requests.">
          {(props) => <input {...props} inputMode="decimal" value={form.drainSeconds} onChange={(event) => onChange({ drainSeconds: event.target.value })} />}
        </Field>
      </div>
    </fieldset>
  );
}
