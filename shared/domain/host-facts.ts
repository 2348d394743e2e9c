/** Hypervisors we can name, so a diagnosis can say exactly which USB filter to add. */
export type VmKind = 'virtualbox' | 'vmware' | 'hyper-v' | 'wsl' | 'parallels' | 'qemu-kvm' | 'other';

export interface VmFacts {
  detected: boolean;
  kind: VmKind | null;
  /** What told us (DMI vendor string, /proc/version text, …), for the evidence of a diagnosis. */
  evidence: string[];
}

export type UsbAccessState =
  'ok' | 'no-usb-subsystem' | 'permission-denied' | 'no-udev-rule' | 'no-driver' | 'unknown';

export interface UsbAccessFacts {
  state: UsbAccessState;
  detail: string;
  /** One command or step that fixes it, when there is one. */
  fix: string | null;
  /** What the probe looked at (rule files found, device nodes, uid), for a diagnosis. Optional: added later. */
  evidence?: string[];
}

/** The host environment a flash runs in. Probed in production, injected in tests and simulations. */
export interface HostFacts {
  os: 'linux' | 'win32' | 'darwin' | 'other';
  osRelease: string;
  kernel: string;
  arch: string;
  hostname: string;
  vm: VmFacts;
  usbAccess: UsbAccessFacts;
  versions: { node: string; electron: string | null; usb: string | null; app: string };
}
