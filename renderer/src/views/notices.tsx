import { uiActions, useUiStore } from '../stores/ui-store';

/** Outcomes of actions that have no page of their own to show them: errors stay until dismissed. */
export function Notices() {
  const notices = useUiStore((store) => store.notices);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <p>{notice.text}</p>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => uiActions.dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
