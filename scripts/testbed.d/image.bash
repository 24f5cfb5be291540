# Sourced by scripts/testbed: the test image jo-test:latest.
#
# A registry is not reachable, so the test image is a tar of a minimal rootfs built from this machine's
# Debian packages: busybox-static with its applet links (sh, ping/ping -6, wget, httpd, nc, nslookup,
# ip, ...), iperf3 and socat with the shared libraries they need, and glibc's NSS modules so that name
# lookups (ping by container name through Docker's embedded DNS) work. busybox's nc has no UDP mode:
# use socat for UDP (broadcast and multicast senders and receivers, with group membership).
# The cache file name carries a version: bump it when the contents change, so old caches are rebuilt.
IMAGE_TAR_NAME=jo-test-rootfs-v2.tar

# Copies a binary and the shared libraries ldd lists for it into the rootfs $1 (same paths).
copy_with_libs() {
  local rf=$1 bin=$2 lib
  mkdir -p "$rf$(dirname "$bin")"
  cp -L "$bin" "$rf$bin"
  for lib in $(ldd "$bin" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
    [[ -e "$lib" && ! -e "$rf$lib" ]] || continue
    mkdir -p "$rf$(dirname "$lib")"; cp -L "$lib" "$rf$lib"
  done
}

build_image_tar() {
  local tar="$CACHE/$IMAGE_TAR_NAME"
  [[ -s "$tar" ]] && { echo "$tar"; return; }
  local t
  for t in busybox iperf3 socat; do
    command -v "$t" >/dev/null || die "'$t' is needed for the test image (scripts/install-test-deps installs busybox-static, iperf3 and socat)"
  done
  mkdir -p "$CACHE"
  local rf; rf=$(mktemp -d)
  mkdir -p "$rf"/{bin,etc,tmp,proc,sys,dev,root,usr/bin,lib64,lib/x86_64-linux-gnu}
  cp "$(readlink -f "$(command -v busybox)")" "$rf/bin/busybox"
  local a; for a in $("$rf/bin/busybox" --list); do [[ -e "$rf/bin/$a" ]] || ln -s busybox "$rf/bin/$a"; done
  copy_with_libs "$rf" /usr/bin/iperf3
  copy_with_libs "$rf" /usr/bin/socat
  local lib
  for lib in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 \
             /lib/x86_64-linux-gnu/libresolv.so.2; do
    [[ -e "$lib" ]] || continue
    mkdir -p "$rf$(dirname "$lib")"; cp -L "$lib" "$rf$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rf/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$rf/etc/group"
  printf 'hosts: files dns\n' > "$rf/etc/nsswitch.conf"
  chmod 1777 "$rf/tmp"
  tar -C "$rf" -cf "$tar.tmp.$$" . && mv "$tar.tmp.$$" "$tar"
  rm -rf "$rf"
  log "built test image rootfs $tar ($(du -h "$tar" | cut -f1))"
  echo "$tar"
}
