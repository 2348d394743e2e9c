/**
 * The public catalogue of what a failed flash looks like (symptoms) and why it happens (causes).
 * Codes are stable: they appear in `--json` output, journals, support bundles and station records.
 * README's "Symptoms and causes" section is generated from the same words — keep them in one place.
 */

export const SYMPTOMS = {
  'board-not-found': {
    title: 'No board found',
    meaning: 'No STM32MP board in USB DFU mode appeared on the port (or with the serial) that was asked for.',
  },
  'no-reenumeration': {
    title: 'The board did not come back',
    meaning:
      'The board left the bus to start its next boot stage and never re-enumerated. STM32CubeProgrammer reports this as "unable to reconnect the target device: time out expired".',
  },
  'device-not-responding': {
    title: 'The board stopped answering',
    meaning: 'The board is still on the bus but does not answer USB requests in time.',
  },
  'reenumerated-inaccessible': {
    title: 'The board came back but cannot be opened',
    meaning:
      'The next boot stage enumerated, but this host could not open it (permissions, driver, another owner).',
  },
  'different-board': {
    title: 'A different board came back',
    meaning:
      'The device that re-enumerated on this port has another serial number; nothing was written to it.',
  },
  'board-reset': {
    title: 'The board reset',
    meaning: 'Instead of the next stage, the board came back as the ROM code: it rebooted.',
  },
  'fsbl-rejected': {
    title: 'The ROM code refused the FSBL',
    meaning:
      'The boot ROM reported an error after the FSBL (TF-A) was downloaded: header, checksum, size or signature.',
  },
  'fip-rejected': {
    title: 'TF-A refused the FIP',
    meaning: 'TF-A answered phase 0xFF after the FIP download (FIP header check failed, or the wrong phase).',
  },
  'layout-rejected': {
    title: 'U-Boot refused the FlashLayout',
    meaning: "U-Boot's stm32prog answered phase 0xFF with an error for the layout.",
  },
  'partition-write-failed': {
    title: 'A partition could not be written',
    meaning: 'The board reported an error while a partition was downloaded or flushed to its medium.',
  },
  'device-unplugged': {
    title: 'The board was unplugged',
    meaning: 'The board left the bus in the middle of a transfer and did not come back.',
  },
  'device-error': {
    title: 'The board reported an error',
    meaning:
      'The board answered phase 0xFF with an error text at a point not covered by a more specific symptom.',
  },
  cancelled: {
    title: 'Cancelled',
    meaning: 'The flash was cancelled by the user; the board was left in a known state.',
  },
} as const;

export type SymptomCode = keyof typeof SYMPTOMS;

export const CAUSES = {
  'uboot-otg-setup': {
    title: "U-Boot's USB OTG controller is not set up for device mode",
    checks: [
      'In the U-Boot device tree, the OTG node (usbotg_hs) needs dr_mode = "peripheral" (or "otg" with working ID sensing).',
      'Without VBUS/ID sensing wired to the SoC, add u-boot,force-b-session-valid to the OTG node; the VBUS/ID comparators also need the usb33d-supply regulator.',
      'The ROM and TF-A force device mode themselves, which is why they work while U-Boot does not.',
      "On the board's UART, U-Boot prints its banner and stops at stm32prog: check that it gets there.",
    ],
  },
  'usb-phy-supplies': {
    title: 'USB PHY supplies or clocks missing in U-Boot',
    checks: [
      'Check VDD3V3_USB, VDDA1V8_REG and VDDA1V1_REG are enabled by the PMIC/regulator nodes U-Boot uses.',
      'Check the HSE clock and the USB_RREF resistor; dmesg on the host may show "device descriptor read/64, error -110".',
    ],
  },
  'vm-usb-filter': {
    title: 'This host is a virtual machine whose USB filter does not pass the new identity',
    checks: [
      'Each boot stage is a new USB device (same 0483:df11, new product string). Add a filter for vendor 0483 product df11 with any serial so every stage reaches the guest.',
      'Or flash from the physical host.',
    ],
  },
  'tfa-auth-failure': {
    title: 'TF-A could not authenticate the images in the FIP (error -80, EAUTH)',
    checks: [
      "On the board's UART look for `ERROR: BL2: Failed to load image id <n> (-80)`.",
      'A signed (trusted-board-boot) chain needs matching keys: the public-key hash in OTP and the nvmem_layout node in the TF-A device tree, certificates built with the right password.',
      'Unsigned images on a TBB build of TF-A fail the same way.',
    ],
  },
  'tfa-panic': {
    title: 'TF-A stopped (panic) before handing over',
    checks: [
      "Read the board's UART (ST-LINK virtual COM port on DK boards): look for PANIC, DDR errors or 'Failed to load image'.",
      'Check the DDR settings and the device tree TF-A was built with for this board.',
    ],
  },
  'fsbl-not-usb-variant': {
    title: 'The FSBL is not the USB/programmer build of TF-A',
    checks: [
      'Serial-boot flashing needs TF-A built with STM32MP_USB_PROGRAMMER=1 (files named *-usb.stm32 or *-programmer-usb.stm32).',
      'Point the 0x01 line of the layout at that file.',
    ],
  },
  'fsbl-image-invalid': {
    title: 'The FSBL image is not valid for this SoC',
    checks: [
      'Check the STM32 header version matches the SoC (v1 MP15, v2.0 MP13, v2.2 MP25), its checksum and its length.',
      'On a secure-closed part, the image must be signed with the key whose hash is in OTP.',
    ],
  },
  'ddr-init-failure': {
    title: 'DDR initialisation failed after the DDR firmware was loaded',
    checks: ['Check the DDR FIP (fip-ddr) matches the board and the DDR settings in the TF-A device tree.'],
  },
  'host-permissions': {
    title: 'This host user may not open the USB device',
    checks: [
      'Linux: install the udev rule (resources/udev/50-stm32mp-dfu.rules) and reload udev; be in the plugdev group.',
    ],
  },
  'windows-driver': {
    title: 'No WinUSB driver is bound to this identity',
    checks: [
      'Windows binds drivers per identity: bind WinUSB (Zadig, or the STM32CubeProgrammer driver installer) to 0483:df11 for every stage.',
    ],
  },
  'device-held-by-another-program': {
    title: 'Another program holds the device',
    checks: ['Close STM32CubeProgrammer, dfu-util, or a VM that captured the device, then retry.'],
  },
  'full-speed-link': {
    title: 'The board is on a full-speed (12 Mbit/s) link',
    checks: [
      'Use a short, known-good USB 2.0 cable, plugged directly into the host or a powered high-speed hub.',
    ],
  },
  'board-reset-after-error': {
    title: 'The board rebooted after an error',
    checks: [
      'U-Boot resets the board after it reported an error (phase 0xFF) and the host detached, or when a flush to the medium failed.',
      'Look at the partition that was being written and at the storage medium.',
    ],
  },
  'power-supply': {
    title: 'The board browns out or loses power',
    checks: [
      'MP25 DK boards need a 5 V / 3 A supply; powering from the host port alone can reset the board under load.',
    ],
  },
  'cable-or-hub': {
    title: 'Cable, hub or port trouble',
    checks: ['Re-seat the cable, avoid unpowered hubs, try another host port.'],
  },
  'layout-content': {
    title: 'The FlashLayout does not match what U-Boot accepts or what the board has',
    checks: [
      'Run `stm32mp-flash layout <file.tsv>` for located problems.',
      'Device-level errors (addresses, sizes, alignment) depend on the board: check the offsets against the real medium and the U-Boot version.',
    ],
  },
  'partition-too-large': {
    title: 'A file is larger than its partition',
    checks: ['Compare the file size with the room before the next partition on the same device.'],
  },
  'storage-medium': {
    title: 'The storage medium failed the write',
    checks: ['Check the SD card / eMMC / NOR / NAND is present and healthy; try another card.'],
  },
  'hub-renumbering': {
    title: 'Several boards on one hub, or a hub that renumbers ports',
    checks: ['Flash one board per port path; check which board is plugged where.'],
  },
  'host-no-usb': {
    title: 'This program sees no USB bus on this host',
    checks: [
      'WSL 2: attach the board with usbipd-win (usbipd attach --wsl --auto-attach --hardware-id 0483:df11).',
      'Containers: pass the bus in (-v /dev/bus/usb:/dev/bus/usb and a device cgroup rule for major 189).',
      'Without hardware, try the simulated board: --sim mp15.',
    ],
  },
  'user-cancelled': {
    title: 'Cancelled by the user',
    checks: ['Nothing to fix. The board was left in a known state; start again when ready.'],
  },
} as const;

export type CauseId = keyof typeof CAUSES;

export interface RankedCause {
  id: CauseId;
  title: string;
  /** 0..1, higher first; only the order is meaningful to users. */
  score: number;
  likelihood: 'high' | 'medium' | 'low';
  /** Facts from this session that point at this cause. */
  evidence: string[];
  /** What to check or do, in order. */
  checks: string[];
}

export interface Diagnosis {
  symptom: SymptomCode;
  /** For `no-reenumeration`: the stage the host was waiting after. */
  variant: string | null;
  summary: string;
  /** Facts of this session that support the symptom itself (what the bus did, how long we waited). */
  evidence: string[];
  /** For layout-rejected: U-Boot's text and, when it can be mapped, the .tsv line. */
  deviceText: string | null;
  layoutLine: number | null;
  /** For partition-write-failed: the partition. */
  partition: { phaseId: number; name: string } | null;
  causes: RankedCause[];
}
