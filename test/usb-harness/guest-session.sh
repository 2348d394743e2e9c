#!/bin/bash
# Runs inside the harness guest, chrooted into the read-only host root. Brings up what the USB stack
# needs (configfs, the dummy UDC, systemd-udevd for hotplug events), then runs the command the host
# wrote to <work>/command.sh and stores its exit code in <work>/exit-code. The host reads that file:
# QEMU's own exit code says nothing about the guest.
set -u
W="$1"
stamp() { cut -d' ' -f1 /proc/uptime; }
fatal() {
  echo "USBH-FATAL $*"
  exit 1
}

mount -t configfs none /sys/kernel/config || fatal 'mounting configfs failed'
[ -e /sys/class/udc/dummy_udc.0 ] || fatal 'no dummy_udc.0 in /sys/class/udc (dummy_hcd not loaded?)'
mkdir -p /dev/shm /dev/pts && mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# devtmpfs has no /dev/fd; bash process substitution and Node's /dev/stdout need it.
ln -sf /proc/self/fd /dev/fd && ln -sf fd/0 /dev/stdin && ln -sf fd/1 /dev/stdout && ln -sf fd/2 /dev/stderr
# Without udevd neither libusb nor nusb (usb v3) ever sees a hotplug event (docs/usb-gadget-harness.md).
/lib/systemd/systemd-udevd --daemon || fatal 'systemd-udevd did not start'
echo "USBH-READY uptime=$(stamp)"

GUEST_TIMEOUT_S=$(cat "$W/guest-timeout-s" 2>/dev/null || echo 540)
cd "$(cat "$W/cwd")" || fatal "cannot cd to $(cat "$W/cwd")"
export USBH_WORK="$W" USBH_UDC=dummy_udc.0
# The command's output goes to the console (live) and to files the host reads back.
timeout -k 5 "$GUEST_TIMEOUT_S" bash "$W/command.sh" > >(tee "$W/stdout.log") 2> >(tee "$W/stderr.log" >&2)
RC=$?
wait
echo "$RC" >"$W/exit-code.tmp" && mv "$W/exit-code.tmp" "$W/exit-code"
sync
echo "USBH-EXIT rc=$RC uptime=$(stamp)"
