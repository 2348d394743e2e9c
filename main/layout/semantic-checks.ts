import type { PartitionDevice } from '../../shared/domain/flash-plan.js';
import type { LayoutProblem } from '../../shared/domain/layout-problem.js';
import { layoutProblem } from '../../shared/domain/layout-problem.js';
import { deviceLabel, hex, rowLabel } from './layout-row.js';
import type { LayoutRow } from './layout-row.js';
import { UBOOT_MAX_DEVICES, sameDevice } from './uboot-emulation.js';

/**
 * U-Boot's treat_partition_list over the rows that parsed, reported per row instead of stopping at
 * the first. `selected-none-phase` is a warning: ST's STM32CubeMP13 external-loader layouts put P on
 * IP none rows on purpose (for STM32CubeProgrammer/OpenBL), and they are valid files, just not for
 * U-Boot's stm32prog.
 */
export function checkSemantics(rows: readonly LayoutRow[], problems: LayoutProblem[]): void {
  const valid = rows.filter((row) => row.valid);
  const devices: PartitionDevice[] = [];
  let tooManyReported = false;
  valid.forEach((row, index) => {
    if (row.isNone) {
      if (row.flags?.program) {
        problems.push(
          layoutProblem(
            'selected-none-phase',
            row.line,
            'opt',
            `Opt '${row.opt}' selects an IP none row (${hex(row.phaseId ?? 0)} ${row.name ?? ''}): U-Boot refuses the layout ("Layout: selected none phase"); this is an STM32CubeProgrammer external-loader layout.`,
            "Write '-' in Opt for IP none rows to flash through U-Boot; keep P only for STM32CubeProgrammer.",
          ),
        );
      }
      checkBootIdShared(valid, index, problems);
      return;
    }
    if (row.phaseId === 0) {
      problems.push(
        layoutProblem(
          'invalid-phase',
          row.line,
          'id',
          `Id 0x00 on a device row (${row.name ?? ''}): phase 0x00 is the layout itself; U-Boot refuses it.`,
          'Give device partitions Ids from 0x04 (boot) or 0x10 (user) up to 0xF0.',
        ),
      );
    }
    for (const later of valid.slice(index + 1)) {
      if (later.phaseId !== row.phaseId) continue;
      problems.push(
        layoutProblem(
          'duplicate-id',
          later.line,
          'id',
          `Id ${hex(row.phaseId ?? 0)} is already used by ${rowLabel(row)} on ${deviceLabel(row.device)}; U-Boot refuses duplicated phases ("duplicated phase").`,
          'Give every device row its own Id.',
        ),
      );
    }
    if (row.device === null || devices.some((device) => sameDevice(device, row.device!))) return;
    if (devices.length === UBOOT_MAX_DEVICES) {
      if (!tooManyReported) {
        problems.push(
          layoutProblem(
            'too-many-devices',
            row.line,
            'ip',
            `${deviceLabel(row.device)} is a 6th device (${devices.map(deviceLabel).join(', ')} already used); U-Boot handles at most ${UBOOT_MAX_DEVICES}.`,
            'Split the layout into two flash sessions.',
          ),
        );
        tooManyReported = true;
      }
      return;
    }
    devices.push(row.device);
  });
}

/** IP none rows may share an Id for U-Boot, but then the host cannot tell which file a stage wants. */
function checkBootIdShared(valid: readonly LayoutRow[], index: number, problems: LayoutProblem[]): void {
  const row = valid[index]!;
  const earlier = valid.slice(0, index).find((other) => other.isNone && other.phaseId === row.phaseId);
  if (earlier === undefined) return;
  problems.push(
    layoutProblem(
      'duplicate-boot-id',
      row.line,
      'id',
      `Id ${hex(row.phaseId ?? 0)} is also used by ${rowLabel(earlier)}, another IP none row; the boot stage gets the first one's file.`,
      'Delete or comment out (#) the row you do not want.',
    ),
  );
}
