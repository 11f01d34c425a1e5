import { Menu, nativeImage, type Tray } from 'electron';
import { systemClock, type Clock } from './clock';
import type { DesktopView } from './desktop-view';
import { trayIconPath, trayIconState, trayIsCounting, trayTooltip } from './tray-icon';
import { trayMenuTemplate, type TrayActions } from './tray-menu';

// A deployment's progress moves the state many times a second; a menu rebuilt that often flickers while open.
const THROTTLE_MS = 500;
// While a warm color counts down, its minutes left are redrawn this often even when nothing else changes.
export const COUNTDOWN_REFRESH_MS = 15_000;

/** Keeps the tray's icon, tooltip and menu in step with the view, at most once per THROTTLE_MS. */
export class TrayPresenter {
  private pending: DesktopView | null = null;
  private timer: unknown = null;
  private lastShown = Number.NEGATIVE_INFINITY;
  private iconState: string | null = null;
  private tooltipShown = '';
  private shown: DesktopView | null = null;
  private countdown: unknown = null;

  constructor(
    private readonly tray: Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu'>,
    private readonly trayDirectory: string,
    private readonly actions: TrayActions,
    private readonly clock: Clock = systemClock,
  ) {}

  show(view: DesktopView): void {
    this.pending = view;
    if (this.timer !== null) return;
    const wait = this.lastShown + THROTTLE_MS - this.clock.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** The tooltip on show now. */
  get tooltip(): string {
    return this.tooltipShown;
  }

  dispose(): void {
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.countdown);
    this.timer = null;
    this.countdown = null;
  }

  private flush(): void {
    const view = this.pending;
    if (!view) return;
    this.pending = null;
    this.lastShown = this.clock.now();
    const state = trayIconState(view);
    if (state !== this.iconState) {
      this.iconState = state;
      this.tray.setImage(nativeImage.createFromPath(trayIconPath(this.trayDirectory, state)));
    }
    const now = this.clock.now();
    this.tooltipShown = trayTooltip(view, now);
    this.tray.setToolTip(this.tooltipShown);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view, this.actions, now)));
    this.shown = view;
    this.clock.clearTimeout(this.countdown);
    this.countdown = trayIsCounting(view, now) ? this.clock.setTimeout(() => this.redraw(), COUNTDOWN_REFRESH_MS) : null;
  }

  /** The last view again, at the time it is now, unless a newer one is on its way. */
  private redraw(): void {
    this.countdown = null;
    if (this.shown && this.pending === null) this.show(this.shown);
  }
}
