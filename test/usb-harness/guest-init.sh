#!/bin/busybox sh
# /init of the harness guest (busybox, in the initramfs). Loads the modules, mounts the host root
# read-only over 9p with the run folder read-write on top of its own path, and chroots into it to run
# the session script. Every way out powers the guest off, so QEMU never waits for a timeout it does
# not need. Console markers (USBH-…) are what the host parses: QEMU itself always exits 0.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fatal() {
  echo "USBH-FATAL $*"
  echo o >/proc/sysrq-trigger
  sleep 30
}

arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
WORK=$(arg usbh_work)
SESSION=$(arg usbh_session)
echo "USBH-INIT uptime=$(cut -d' ' -f1 /proc/uptime)"

for m in $(cat /mods/order); do
  insmod "/mods/$m.ko" || fatal "insmod $m failed"
done
echo "USBH-MODULES uptime=$(cut -d' ' -f1 /proc/uptime)"

mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /newroot ||
  fatal 'mounting the host root (9p) failed'
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 work "/newroot$WORK" ||
  fatal "mounting the run folder $WORK (9p) failed"
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
for d in /run /tmp /var/tmp; do mount -t tmpfs -o mode=1777 tmpfs "/newroot$d"; done

chroot /newroot /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  /bin/bash "$SESSION" "$WORK"
echo "USBH-SESSION-END rc=$?"
echo o >/newroot/proc/sysrq-trigger
sleep 30
