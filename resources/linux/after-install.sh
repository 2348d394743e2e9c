#!/bin/sh
# deb post-install: the package put 50-stm32mp-dfu.rules in /lib/udev/rules.d; make udev use it now
# and apply it to STM32MP boards already plugged in (0483:df11 and 0483:5720).
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload || true
  udevadm trigger --subsystem-match=usb --attr-match=idVendor=0483 || true
fi
exit 0
