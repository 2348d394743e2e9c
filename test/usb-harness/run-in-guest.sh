#!/usr/bin/env bash
# Boots the harness guest, runs one command in it (chrooted into this machine's root, read-only, in
# the current directory) and exits with that command's exit code.
#
#   test/usb-harness/run-in-guest.sh [--timeout-s N] [--boot-timeout-s N] [--work DIR] -- cmd args…
#
# USB_HARNESS_STREAM=1 streams the guest console (kernel messages and the command's output) to stderr
# while it runs instead of printing the command's output at the end.
# Inside the guest, $USBH_WORK is the run folder: read-write, shared with the host at the same path,
# so output files written there are on the host when this returns. The command's stdout/stderr are
# also saved there (stdout.log, stderr.log) and the console in serial.log.
#
# Harness failures (QEMU did not start, the kernel did not boot, a module did not load, the guest
# hung or timed out, no exit code came back) print "usb-harness: FAILED: …" and exit 97. The guest
# command's own exit code is passed through otherwise.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${USB_HARNESS_CACHE:-$REPO/.cache/usb-harness}"
TIMEOUT_S=600
BOOT_TIMEOUT_S=120
WORK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout-s) TIMEOUT_S="$2"; shift 2 ;;
    --boot-timeout-s) BOOT_TIMEOUT_S="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: run-in-guest.sh [--timeout-s N] [--boot-timeout-s N] [--work DIR] -- cmd args…" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo 'run-in-guest.sh: no command given' >&2; exit 2; }

HARNESS_FAILED=97
fail() {
  printf '\nusb-harness: FAILED: %s\n' "$1" >&2
  if [ -n "${WORK:-}" ] && [ -s "$WORK/serial.log" ]; then
    printf -- '----- guest console (last 60 lines of %s) -----\n' "$WORK/serial.log" >&2
    tail -n 60 "$WORK/serial.log" >&2
    printf -- '-----\n' >&2
  fi
  exit "$HARNESS_FAILED"
}

GUEST="${USB_HARNESS_GUEST:-}"
if [ -z "$GUEST" ]; then GUEST=$("$HERE/prepare-guest.sh" | tail -1) || fail 'preparing the guest failed (see above)'; fi
[ -s "$GUEST/vmlinuz" ] && [ -s "$GUEST/initrd.gz" ] || fail "no guest in $GUEST (run prepare-guest.sh)"

mkdir -p "$CACHE/runs"
# Keep the 20 newest run folders (console logs and results of earlier runs), drop the rest.
ls -1dt "$CACHE"/runs/*/ 2>/dev/null | tail -n +21 | xargs -r rm -rf
if [ -z "$WORK" ]; then WORK=$(mktemp -d "$CACHE/runs/run-XXXXXX"); fi
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
rm -f "$WORK/exit-code" "$WORK/serial.log" "$WORK/stdout.log" "$WORK/stderr.log"
pwd >"$WORK/cwd"
echo $((TIMEOUT_S - 20)) >"$WORK/guest-timeout-s"
{
  printf 'exec'
  printf ' %q' "$@"
  printf '\n'
} >"$WORK/command.sh"

# TCG, not KVM: /dev/kvm on this machine kind is PVM and runs a stock kernel ~1000x slower.
# thread=single: multi-threaded TCG oopsed in jump-label patching in about 1 boot of 8.
# USB_HARNESS_SMP: guest vCPUs (default 2); under thread=single they share one host thread.
qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp "${USB_HARNESS_SMP:-2}" -m 2048 \
  -nodefaults -no-user-config -nographic -no-reboot \
  -kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1 oops=panic usbh_work=$WORK usbh_session=$HERE/guest-session.sh" \
  -serial "file:$WORK/serial.log" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$WORK,mount_tag=work,security_model=none,multidevs=remap" \
  >"$WORK/qemu.log" 2>&1 &
QEMU_PID=$!
trap 'kill -9 "$QEMU_PID" 2>/dev/null || true' EXIT

started=$(date +%s)
booted=0
qemu_rc=""
streamed=0
# USB_HARNESS_STREAM=1: echo the guest console to stderr as it comes (long batches show progress).
stream() {
  [ "${USB_HARNESS_STREAM:-0}" = 1 ] || return 0
  local size
  size=$(stat -c %s "$WORK/serial.log" 2>/dev/null || echo 0)
  if [ "$size" -gt "$streamed" ]; then
    tail -c +$((streamed + 1)) "$WORK/serial.log" | head -c $((size - streamed)) >&2
    streamed=$size
  fi
}
while :; do
  stream
  if ! kill -0 "$QEMU_PID" 2>/dev/null; then
    set +e
    wait "$QEMU_PID"
    qemu_rc=$?
    set -e
    break
  fi
  elapsed=$(($(date +%s) - started))
  if [ "$booted" = 0 ] && grep -q 'USBH-READY' "$WORK/serial.log" 2>/dev/null; then
    booted=1
    printf 'usb-harness: guest up after %ss\n' "$elapsed" >&2
  fi
  if [ "$booted" = 0 ] && [ "$elapsed" -ge "$BOOT_TIMEOUT_S" ]; then
    kill -9 "$QEMU_PID" 2>/dev/null || true
    fail "the guest did not come up within ${BOOT_TIMEOUT_S}s"
  fi
  if [ "$elapsed" -ge "$TIMEOUT_S" ]; then
    kill -9 "$QEMU_PID" 2>/dev/null || true
    fail "the guest was still running after ${TIMEOUT_S}s (killed)"
  fi
  sleep 0.5
done
trap - EXIT
stream
total=$(($(date +%s) - started))

[ "$qemu_rc" = 0 ] || fail "QEMU exited with status $qemu_rc: $(tail -5 "$WORK/qemu.log")"
[ -s "$WORK/serial.log" ] || fail "QEMU wrote no console output: $(tail -5 "$WORK/qemu.log")"
if grep -q 'USBH-FATAL' "$WORK/serial.log"; then fail "$(grep -m1 'USBH-FATAL' "$WORK/serial.log")"; fi
grep -q 'USBH-INIT' "$WORK/serial.log" || fail 'the kernel did not reach /init (panic or boot failure)'
grep -q 'USBH-READY' "$WORK/serial.log" || fail 'the guest session did not start'
[ -s "$WORK/exit-code" ] || fail 'the guest command reported no exit code (guest crashed or powered off early)'
rc=$(cat "$WORK/exit-code")
[[ "$rc" =~ ^[0-9]+$ ]] || fail "unreadable exit code '$rc'"
[ "$rc" = 124 ] && fail "the guest command timed out after $(cat "$WORK/guest-timeout-s")s"
# Behave like the command itself: its output on our stdout/stderr (unless already streamed), its
# exit code ours.
if [ "${USB_HARNESS_STREAM:-0}" != 1 ]; then
  cat "$WORK/stdout.log" 2>/dev/null || true
  cat "$WORK/stderr.log" >&2 2>/dev/null || true
fi
printf 'usb-harness: guest command exited %s after %ss in all (run folder %s)\n' "$rc" "$total" "$WORK" >&2
exit "$rc"
