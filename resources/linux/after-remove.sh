#!/bin/sh
# deb post-remove: the rule is gone; tell udev.
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload || true
fi
exit 0
