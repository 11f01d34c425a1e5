import { useEffect, useState } from 'react';

interface ConfirmButtonProps {
  label: string;
  confirmLabel: string;
  onConfirm(): void;
  disabled?: boolean;
  className?: string;
}

// Long enough to read the question and click again, short enough that a stray click later does nothing.
const ARMED_MS = 5_000;

/** A destructive action that asks first: the first click turns the button into its question, the second acts. */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled, className }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), ARMED_MS);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      className={`${className ?? ''} ${armed ? 'danger' : ''}`.trim()}
      disabled={disabled}
      onClick={() => {
        if (!armed) return setArmed(true);
        setArmed(false);
        onConfirm();
      }}
    >
      {armed ? confirmLabel : label}
    </button>
  );
}
