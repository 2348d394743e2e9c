#!/usr/bin/env bash
# Prepares the QEMU guest of the real-USB harness, idempotently (docs: test/usb-harness/README.md).
#
#   host packages      apt-get install when a tool is missing (root only; otherwise says what to install)
#   kernel             Debian's 6.12 from bookworm-backports, through a private apt configuration that
#                      reuses the mirror of /etc/apt/sources.list.d/debian.sources (no other host)
#   guest              vmlinuz + 11 decompressed modules (usb_f_fs patched) + a busybox initramfs,
#                      cached in $USB_HARNESS_CACHE/kernel-<version>/ and reused while the version holds
#
# Prints the guest directory on its last stdout line. Exits non-zero with the reason on any failure:
# 3 when this machine cannot get what the guest needs (packages, kernel: no root, no network), 1 for
# anything else (a kernel that does not look as expected, a build step failing).
# Env: USB_HARNESS_CACHE (default <repo>/.cache/usb-harness), USB_HARNESS_KERNEL_PKG (pin a package),
#      USB_HARNESS_OFFLINE=1 (never touch the network; use what the cache holds).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${USB_HARNESS_CACHE:-$REPO/.cache/usb-harness}"
SUITE=bookworm-backports

log() { printf 'usb-harness prepare: %s\n' "$*" >&2; }
die() {
  printf 'usb-harness prepare: FAILED: %s\n' "$*" >&2
  exit 1
}
unavailable() {
  printf 'usb-harness prepare: UNAVAILABLE: %s\n' "$*" >&2
  exit 3
}

# --- host tools -------------------------------------------------------------------------------------
declare -A TOOL_PKG=(
  [qemu-system-x86_64]=qemu-system-x86 [cpio]=cpio [zstd]=zstd [xz]=xz-utils
  [dfu-util]=dfu-util [lsusb]=usbutils
)
missing=()
for tool in "${!TOOL_PKG[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("${TOOL_PKG[$tool]}"); done
# busybox must be the static one: it runs alone in the initramfs.
if ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then missing+=(busybox-static); fi
[ -x /lib/systemd/systemd-udevd ] || missing+=(udev)
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
if [ ${#missing[@]} -gt 0 ]; then
  [ "${USB_HARNESS_OFFLINE:-0}" = 1 ] && unavailable "missing host packages (offline): ${missing[*]}"
  [ "$(id -u)" = 0 ] || unavailable "missing host packages: ${missing[*]} (run as root, or apt-get install them)"
  command -v apt-get >/dev/null 2>&1 || unavailable "missing host packages: ${missing[*]} (no apt-get)"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || unavailable 'apt-get update failed'
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    unavailable "apt-get install ${missing[*]} failed"
fi

# --- kernel package, through a private apt configuration -------------------------------------------
APT="$CACHE/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
if [ ! -s "$APT/sources.list" ]; then
  SRC=/etc/apt/sources.list.d/debian.sources
  URI=$(awk '/^URIs:/{print $2; exit}' "$SRC" 2>/dev/null || true)
  [ -n "$URI" ] || URI=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^https?:/){print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$URI" ] || unavailable "no Debian mirror found in $SRC or /etc/apt/sources.list"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $URI $SUITE main" >"$APT/sources.list"
fi
A=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o Debug::NoLocking=1)

latest_ready() { { ls -1d "$CACHE"/kernel-*/READY 2>/dev/null || true; } | sort -V | tail -1 | xargs -r dirname; }

KPKG="${USB_HARNESS_KERNEL_PKG:-}"
if [ -z "$KPKG" ]; then
  # Refresh the suite's package list at most daily: the cached guest is reused while the version holds.
  lists_age_s=$(($(date +%s) - $(stat -c %Y "$APT/updated-at" 2>/dev/null || echo 0)))
  if [ "${USB_HARNESS_OFFLINE:-0}" != 1 ] && [ "$lists_age_s" -gt 86400 ]; then
    if ! timeout 120 apt-get "${A[@]}" update -qq >/dev/null 2>"$CACHE/apt-update.err"; then
      ready=$(latest_ready)
      [ -n "$ready" ] || unavailable "apt-get update of $SUITE failed: $(tail -3 "$CACHE/apt-update.err")"
      log "apt-get update failed; using the cached guest $(basename "$ready")"
      KPKG=linux-image-${ready##*/kernel-}
    else
      touch "$APT/updated-at"
    fi
  fi
  if [ -z "$KPKG" ]; then
    KPKG=$(apt-cache "${A[@]}" depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
    if [ -z "$KPKG" ]; then
      ready=$(latest_ready)
      [ -n "$ready" ] || unavailable "cannot resolve the $SUITE kernel package (no apt lists; offline?)"
      KPKG=linux-image-${ready##*/kernel-}
    fi
  fi
fi
KVER=${KPKG#linux-image-}
case "$KVER" in 6.1[2-9]* | 6.[2-9][0-9]* | [7-9].*) ;; *) die "kernel $KVER: the harness needs >= 6.12 (6.1's FunctionFS cannot select alternates)" ;; esac
G="$CACHE/kernel-$KVER"

# --- vmlinuz and the modules the guest needs (kept; the 106 MB .deb is not) -----------------------
# Load order matters (no depmod): 9p for the root, then the USB stack, bottom-up.
MODULES=(
  fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p
  drivers/usb/common/usb-common drivers/usb/core/usbcore drivers/usb/gadget/udc/udc-core
  drivers/usb/gadget/udc/dummy_hcd fs/configfs/configfs drivers/usb/gadget/libcomposite
  drivers/usb/gadget/function/usb_f_fs
)
if [ ! -s "$G/vmlinuz" ] || [ ! -s "$G/ko/usb_f_fs.ko.orig" ]; then
  [ "${USB_HARNESS_OFFLINE:-0}" = 1 ] && unavailable "kernel $KVER not in the cache (offline)"
  log "fetching $KPKG from $SUITE"
  rm -rf "$G.tmp" && mkdir -p "$G.tmp/ko"
  (cd "$APT/cache" && timeout 600 apt-get "${A[@]}" download "$KPKG" >/dev/null 2>"$G.tmp/download.err") ||
    unavailable "apt-get download $KPKG failed: $(tail -3 "$G.tmp/download.err")"
  deb=$(ls -1 "$APT/cache/${KPKG}"_*.deb | head -1)
  dpkg -x "$deb" "$G.tmp/root" || die "dpkg -x $deb failed"
  kmod="$G.tmp/root/lib/modules/$KVER/kernel"
  [ -d "$kmod" ] || kmod="$G.tmp/root/usr/lib/modules/$KVER/kernel"
  cp "$G.tmp/root/boot/vmlinuz-$KVER" "$G.tmp/vmlinuz"
  for m in "${MODULES[@]}"; do
    name=$(basename "$m")
    src="$kmod/$m.ko.xz"
    [ -f "$src" ] || die "module $m missing from $KPKG (built in? the harness expects modules)"
    xz -dc "$src" >"$G.tmp/ko/$name.ko"
  done
  mv "$G.tmp/ko/usb_f_fs.ko" "$G.tmp/ko/usb_f_fs.ko.orig"
  rm -rf "$G.tmp/root" "$deb" "$G.tmp/download.err"
  rm -rf "$G" && mv "$G.tmp" "$G"
fi

# --- patched FunctionFS and the initramfs: cheap, rebuilt whenever an input changed -----------------
INPUTS=("$HERE/patch-ffs-alt-limit.mjs" "$HERE/guest-init.sh" "$0" /bin/busybox)
stamp=$(cat "${INPUTS[@]}" "$G/ko/usb_f_fs.ko.orig" | sha256sum | cut -c1-16)
if [ "$(cat "$G/READY" 2>/dev/null || true)" != "$stamp" ]; then
  rm -f "$G/READY"
  cp "$G/ko/usb_f_fs.ko.orig" "$G/ko/usb_f_fs.ko"
  node "$HERE/patch-ffs-alt-limit.mjs" "$G/ko/usb_f_fs.ko" >&2 || die 'patching usb_f_fs.ko failed'
  I="$G/initramfs"
  rm -rf "$I" && mkdir -p "$I"/{bin,mods,proc,sys,dev,newroot}
  cp /bin/busybox "$I/bin/busybox"
  cp "$HERE/guest-init.sh" "$I/init" && chmod +x "$I/init"
  for m in "${MODULES[@]}"; do
    name=$(basename "$m")
    cp "$G/ko/$name.ko" "$I/mods/$name.ko"
  done
  printf '%s\n' "${MODULES[@]##*/}" >"$I/mods/order"
  (cd "$I" && find . | cpio -o -H newc --quiet | gzip -1 >"$G/initrd.gz") || die 'building the initramfs failed'
  rm -rf "$I"
  echo "$stamp" >"$G/READY"
  log "guest ready: $G"
fi
echo "$G"
