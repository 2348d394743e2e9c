/**
 * The words a bench engineer acts on when USB access fails. Kept in one place so that the backend's
 * errors, the host probe and the GUI pre-flight give the same command.
 */

export const DEFAULT_UDEV_RULE_PATH = 'resources/udev/50-stm32mp-dfu.rules';

/** The one command that installs the udev rule and makes udev apply it to boards already plugged in. */
export function udevInstallCommand(rulePath: string = DEFAULT_UDEV_RULE_PATH): string {
  return `sudo cp ${rulePath} /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger`;
}

export function permissionHint(platform: NodeJS.Platform, rulePath?: string): string {
  if (platform === 'win32') return noDriverHint();
  if (platform === 'darwin') {
    return 'macOS needs no driver or permission for DFU devices: check that no other program or virtual machine holds the board, then replug it.';
  }
  return (
    `Install the udev rule: ${udevInstallCommand(rulePath)} — then unplug and replug the board. ` +
    'Your user should also be in the plugdev group (sudo usermod -aG plugdev "$USER", then log out and back in).'
  );
}

export function busyHint(platform: NodeJS.Platform): string {
  const base =
    'Close STM32CubeProgrammer, dfu-util or any other flashing tool, and check that no virtual machine ' +
    '(VirtualBox, VMware, usbipd/WSL) has captured the board; then retry.';
  if (platform === 'win32') {
    return `${base} Windows lets only one program at a time open a WinUSB device.`;
  }
  if (platform === 'linux') return `${base} \`sudo lsof /dev/bus/usb/*/*\` shows which process holds it.`;
  return base;
}

export function noDriverHint(): string {
  return (
    'Bind the WinUSB driver to 0483:df11: in Zadig choose Options → List All Devices, pick the ' +
    '"DFU in HS Mode…" / "DFU @Device ID…" / "USB download gadget…" entry, select WinUSB and press ' +
    "Install Driver — or run STM32CubeProgrammer's DFU driver installer, provided it binds WinUSB. " +
    'This tool talks to WinUSB only (libusbK and libusb0 bindings do not work), and each stage may ' +
    'need the binding once.'
  );
}

export function resetUnsupportedHint(platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    return 'WinUSB cannot reset a USB port: power-cycle or replug the board where the flow needs a reset.';
  }
  return 'Power-cycle or replug the board where the flow needs a reset.';
}

/** The name of the optional package that carries node-usb's native binary for this machine. */
export function nativePackageName(platform: NodeJS.Platform, arch: string): string {
  const suffix = platform === 'linux' ? '-gnu' : platform === 'win32' ? '-msvc' : '';
  return `@node-usb/usb-${platform}-${arch}${suffix}`;
}

export function noUsbSubsystemHint(): string {
  return (
    'This Linux system has no USB subsystem (/sys/bus/usb is missing) — typical of a container, WSL 2 ' +
    'without usbipd, or a virtual machine without a USB controller. Run the tool on the machine the ' +
    'board is plugged into, or pass the board through (WSL: usbipd attach --wsl --auto-attach ' +
    "--hardware-id 0483:df11; container: -v /dev/bus/usb:/dev/bus/usb --device-cgroup-rule='c 189:* rmw', " +
    'because every re-enumeration creates a new device node). Simulated boards ' +
    '(--sim mp15) work without USB.'
  );
}
