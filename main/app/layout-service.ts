import type { FlashPlan } from '../../shared/domain/flash-plan.js';
import type { LayoutOpened } from '../../shared/ipc/layout-channels.js';
import { loadFlashLayout } from '../layout/load-flash-layout.js';
import type { RecentLayouts } from './recent-layouts.js';

/** Layout checks read every binary's header; a slow network share gets this long. */
const LAYOUT_TIMEOUT_MS = 60_000;

export class LayoutService {
  constructor(
    private readonly recent: RecentLayouts,
    private readonly load: (path: string) => Promise<FlashPlan> = (path) =>
      loadFlashLayout(path, { timeoutMs: LAYOUT_TIMEOUT_MS }),
  ) {}

  /** Bad content is not an error: it comes back as located problems in the plan. */
  async open(layoutPath: string): Promise<LayoutOpened> {
    const plan = await this.load(layoutPath);
    const recent = await this.recent.add(plan.layoutPath);
    return { plan, recent };
  }

  /** Reads the layout again right before flashing: its files may have changed since it was opened. */
  plan(layoutPath: string): Promise<FlashPlan> {
    return this.load(layoutPath);
  }

  recentPaths(): string[] {
    return this.recent.list();
  }
}
