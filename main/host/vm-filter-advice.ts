import type { VmKind } from '../../shared/domain/host-facts.js';
import { udevInstallCommand } from '../usb/usb-hints.js';

export type AdviceWhere = 'host' | 'host-admin' | 'vm-config' | 'guest';

export interface VmAdviceStep {
  /** Where to do it: on the machine the board is plugged into (as admin or not), in the VM's settings file, in the guest. */
  where: AdviceWhere;
  text: string;
  /** The exact command or configuration text; `<vm-name>` and `<host-ip>` are placeholders. */
  command: string | null;
}

export interface VmFilterAdvice {
  kind: VmKind;
  product: string;
  /** How the board reaches the guest: a capture filter, USB/IP, or not at all. */
  mechanism: 'usb-filter' | 'usbip' | 'none';
  summary: string;
  steps: VmAdviceStep[];
  caveats: string[];
}

/**
 * Every boot stage re-enumerates as 0483:df11 with a new product string ("DFU in HS Mode…",
 * "DFU @Device ID…", "USB download gadget…") and usually the same serial; a U-Boot without ST's PID
 * fixup shows 0483:5720. So each rule matches vendor + product ID only — never serial, product string or
 * bcdDevice — and must re-attach a device that comes back. Data, not prose: the diagnosis and the GUI
 * pre-flight render it.
 */
const ADVICE: Record<VmKind, VmFilterAdvice> = {
  virtualbox: {
    kind: 'virtualbox',
    product: 'VirtualBox',
    mechanism: 'usb-filter',
    summary:
      'VirtualBox hands a USB device to the guest only while a USB filter matches it; match 0483:df11 with every other field empty so each stage is captured again.',
    steps: [
      {
        where: 'host',
        text: 'Power the VM off, then give it a USB 3.0 (xHCI) controller.',
        command: 'VBoxManage modifyvm "<vm-name>" --usbxhci on',
      },
      {
        where: 'host',
        text: 'Add the filter for every STM32MP DFU stage.',
        command:
          'VBoxManage usbfilter add 0 --target "<vm-name>" --name "STM32MP DFU" --vendorid 0483 --productid df11',
      },
      {
        where: 'host',
        text: "Boards whose U-Boot lacks ST's PID fix-up show 0483:5720 in the U-Boot stage: add it too.",
        command:
          'VBoxManage usbfilter add 1 --target "<vm-name>" --name "STM32MP DFU (gadget PID)" --vendorid 0483 --productid 5720',
      },
      {
        where: 'host',
        text: 'Linux hosts: VirtualBox sees host USB devices only for members of vboxusers (log out and back in).',
        command: 'sudo usermod -aG vboxusers "$USER"',
      },
    ],
    caveats: [
      'Leave serial number, manufacturer, product and revision empty: the product string and bcdDevice change from stage to stage.',
      'Older VirtualBox releases need the Extension Pack for USB 2.0/3.0 controllers.',
      'A program on the host that holds the board (STM32CubeProgrammer, dfu-util) stops VirtualBox from capturing it.',
    ],
  },
  vmware: {
    kind: 'vmware',
    product: 'VMware Workstation / Player / Fusion',
    mechanism: 'usb-filter',
    summary:
      'VMware re-connects a device to the guest automatically when an autoConnect entry in the .vmx matches it.',
    steps: [
      {
        where: 'vm-config',
        text: 'Power the VM off and add these lines to its .vmx file (USB 3.0 controller, then one entry per product ID).',
        command:
          'usb.present = "TRUE"\nusb_xhci.present = "TRUE"\nusb.autoConnect.device0 = "vid:0483 pid:df11"\nusb.autoConnect.device1 = "vid:0483 pid:5720"',
      },
    ],
    caveats: [
      'Workstation on Windows may ask where to connect each new device: choose the virtual machine and tick "remember" — every stage appears as a new device.',
      'A program on the host that holds the board stops VMware from capturing it.',
    ],
  },
  'hyper-v': {
    kind: 'hyper-v',
    product: 'Hyper-V',
    mechanism: 'usbip',
    summary:
      'Hyper-V has no pass-through for USB devices like this one; run the tool on the Windows host, or share the board over USB/IP with usbipd-win.',
    steps: [
      {
        where: 'host-admin',
        text: 'Install usbipd-win on the Windows host.',
        command: 'winget install usbipd',
      },
      {
        where: 'host-admin',
        text: 'Share every enumeration of the board (usbipd-win 4.2 or later).',
        command: 'usbipd policy add --effect Allow --operation AutoBind --hardware-id 0483:df11',
      },
      {
        where: 'guest',
        text: 'In the Linux guest, attach the board (bus id from `usbipd list` on the host); repeat after each re-enumeration.',
        command: 'sudo usbip attach --remote=<host-ip> --busid=<busid>',
      },
    ],
    caveats: [
      'A USB/IP client attaches one enumeration: after each stage change the board must be attached again, which only a script loop keeps up with. Flashing from the Windows host is the reliable choice.',
    ],
  },
  wsl: {
    kind: 'wsl',
    product: 'WSL 2 (usbipd-win)',
    mechanism: 'usbip',
    summary:
      'WSL 2 sees USB devices only through usbipd-win; share 0483:df11 once and keep an auto-attach running so every re-enumeration comes back into WSL.',
    steps: [
      {
        where: 'host-admin',
        text: 'Install usbipd-win (Windows, administrator).',
        command: 'winget install usbipd',
      },
      {
        where: 'host-admin',
        text: 'Share every enumeration of the board (usbipd-win 4.2+; older: usbipd bind --hardware-id 0483:df11 with the board plugged in).',
        command: 'usbipd policy add --effect Allow --operation AutoBind --hardware-id 0483:df11',
      },
      {
        where: 'host',
        text: 'With the board plugged in, keep this running in a normal Windows terminal while flashing.',
        command: 'usbipd attach --wsl --auto-attach --hardware-id 0483:df11',
      },
      {
        where: 'guest',
        text: 'Inside WSL, install the udev rule so the attached board is not root-only.',
        command: udevInstallCommand(),
      },
    ],
    caveats: [
      'Auto-attach follows the bus id (the hub port) it found: keep the board on the same port for the whole flash.',
      'Each re-attach takes a moment after the board re-enumerates; the stage timeouts allow for it.',
    ],
  },
  parallels: {
    kind: 'parallels',
    product: 'Parallels Desktop',
    mechanism: 'usb-filter',
    summary:
      'Parallels connects a new USB device to the VM when told to; because each stage is a new device, set new devices to go to the VM while flashing.',
    steps: [
      {
        where: 'vm-config',
        text: 'VM Configuration → Hardware → USB & Bluetooth: enable the USB 3.0 controller.',
        command: null,
      },
      {
        where: 'host',
        text: 'Preferences → Devices (USB & Bluetooth): when a new USB device is plugged in, connect it to the virtual machine.',
        command: null,
      },
      {
        where: 'host',
        text: "Or assign each stage's device permanently as it appears (ids from the list command).",
        command: 'prlsrvctl usb list\nprlsrvctl usb set <usb-id> "<vm-name>"',
      },
    ],
    caveats: [
      'Permanent assignments are per device identity, which changes at every stage; the "connect new devices to the VM" setting covers all of them.',
    ],
  },
  'qemu-kvm': {
    kind: 'qemu-kvm',
    product: 'QEMU / KVM (libvirt)',
    mechanism: 'usb-filter',
    summary:
      "QEMU's usb-host device with a vendor/product filter re-attaches every matching enumeration; libvirt's <hostdev> pins one bus/device number and loses the board at the first re-enumeration.",
    steps: [
      {
        where: 'vm-config',
        text: 'QEMU command line: an xHCI controller and a usb-host filter (or hostbus/hostport to follow a physical port, e.g. hostbus=1,hostport=2.3 for port 1-2.3).',
        command: '-device qemu-xhci,id=xhci -device usb-host,bus=xhci.0,vendorid=0x0483,productid=0xdf11',
      },
      {
        where: 'vm-config',
        text: 'libvirt: pass the same device through <qemu:commandline> (the domain needs xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0").',
        command:
          "<qemu:commandline>\n  <qemu:arg value='-device'/>\n  <qemu:arg value='usb-host,vendorid=0x0483,productid=0xdf11'/>\n</qemu:commandline>",
      },
      {
        where: 'host',
        text: 'Install the udev rule on the host too, so QEMU may open each new device node.',
        command: udevInstallCommand(),
      },
    ],
    caveats: [
      "A <hostdev mode='subsystem' type='usb'> with <vendor id='0x0483'/><product id='0xdf11'/> works for the first stage only: libvirt resolves it to one device number.",
      "Add a second usb-host for productid=0x5720 when U-Boot lacks ST's PID fix-up.",
    ],
  },
  other: {
    kind: 'other',
    product: 'an unrecognised hypervisor',
    mechanism: 'usb-filter',
    summary:
      'Pass USB device 0483:df11 (any serial, any product string; also 0483:5720) through to this machine with a rule that re-attaches it when it comes back: every boot stage disconnects and re-enumerates.',
    steps: [],
    caveats: [
      'If the hypervisor can only pass a device by its current address, flash from the host instead.',
    ],
  },
};

/** The pass-through advice for a hypervisor; null when there is no VM. */
export function vmFilterAdvice(kind: VmKind | null): VmFilterAdvice | null {
  return kind === null ? null : ADVICE[kind];
}

export const VM_FILTER_ADVICE: Readonly<Record<VmKind, VmFilterAdvice>> = ADVICE;
