import type { SocId } from '../../shared/domain/flash-event.js';
import type { UnassignedPortNotice } from '../../shared/domain/station.js';
import { refusalSentence } from '../../shared/domain/station.js';
import { stageInfoOf } from '../flash/stage-info.js';
import type { BusEvent } from '../transport/usb-transport.js';

/**
 * Boards on ports that are not slots: listed so the operator sees why a board "does nothing", and
 * never opened. One notice per port, from its first enumeration until it leaves.
 */
export class UnassignedPorts {
  private readonly notices = new Map<string, UnassignedPortNotice>();

  constructor(private readonly expectedSoc: SocId) {}

  /** The new notice when a port appears, 'removed' when it leaves, null when nothing changed. */
  apply(event: BusEvent): UnassignedPortNotice | 'removed' | null {
    const { identity } = event;
    if (event.type === 'disconnect') return this.notices.delete(identity.portPath) ? 'removed' : null;
    if (this.notices.has(identity.portPath)) return null;
    const notice: UnassignedPortNotice = {
      portPath: identity.portPath,
      serial: identity.serial,
      stage: stageInfoOf(identity).stage,
      seenAt: identity.seenAt,
      sentence: refusalSentence('not-in-slot', {
        serial: identity.serial,
        soc: null,
        expectedSoc: this.expectedSoc,
        portPath: identity.portPath,
      }),
    };
    this.notices.set(identity.portPath, notice);
    return notice;
  }

  list(): UnassignedPortNotice[] {
    return [...this.notices.values()];
  }
}
