# Sourced by scripts/testbed: which processes belong to the testbed (or to one host), and `down`.
# `down` does not rely on the state file: it must also work after a crash or after kill -9.

ns_inode() { stat -L -c %i "$1" 2>/dev/null || true; }

# Every pid that belongs to the testbed: in one of its network namespaces, in one of its mount
# namespaces, in one of its cgroups (containers), or started with a path under $ROOT (consul, dockerd).
# Bulk reads (one find, two greps) keep this fast; a per-pid loop in bash takes seconds.
testbed_pids() {
  local files=() f
  for f in "/run/netns/$UNDERLAY_NS" "/run/netns/$P-rogue" /run/netns/"$P"-h* "$ROOT"/ns/*.mnt; do
    [[ "$f" == /run/netns/* && ! "$(basename "$f")" =~ ^$P-(underlay|rogue|h[0-9]+)$ ]] && continue
    files+=("$f")
  done
  pids_matching "$P-h[0-9]+" "$ROOT/" "${files[@]}"
}

# The pids of one host (its netns, its mount namespace, its containers' cgroups, its state directory).
host_pids() {
  pids_matching "$P-$1" "$(hdir "$1")/" "/run/netns/$P-$1" "$ROOT/ns/$1.mnt"
}

# pids_matching CGROUP_RE CMDLINE_PATH NSFILE...: pids in any of the namespaces, in a cgroup /CGROUP_RE
# or below it, or with CMDLINE_PATH in their command line; never this script itself.
pids_matching() {
  local cgroup_re=$1 path=$2 inodes=() f ino; shift 2
  for f in "$@"; do
    [[ -e "$f" ]] || continue
    ino=$(ns_inode "$f"); [[ -n "$ino" ]] && inodes+=("$ino")
  done
  {
    if ((${#inodes[@]})); then
      local re; re=$(IFS='|'; echo "${inodes[*]}")
      find /proc/[0-9]*/ns/net /proc/[0-9]*/ns/mnt -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
        awk -v re="^(net|mnt):\\[($re)\\]$" '$2 ~ re {split($1, a, "/"); print a[3]}'
    fi
    grep -lE ":/$cgroup_re(/|\$)" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
    # Every character bracketed, so the pattern does not match grep's own command line.
    grep -la -- "$(sed 's/[^/]/[&]/g' <<< "$path")" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
  } | grep -vxE "$$|$BASHPID" | sort -un || true
}

kill_all() {
  local sig=$1 pids
  pids=$(testbed_pids | tr '\n' ' ')
  [[ -n "${pids// }" ]] || return 1
  # shellcheck disable=SC2086
  kill "-$sig" $pids 2>/dev/null || true
  return 0
}

do_down() {
  local quiet=${1:-}
  [[ -d "$ROOT" ]] || mkdir -p "$ROOT"
  # Polite first: remove containers (SIGKILL; `sleep` as PID 1 ignores SIGTERM, so a plain stop waits
  # 10 s per container), then SIGTERM dockerd, which unmounts layers and stops its containerd.
  local sock
  for sock in "$ROOT"/h*/run/docker.sock; do
    [[ -S "$sock" ]] || continue
    local cli; cli=$(docker_cli 2>/dev/null) || break
    local ids; ids=$(timeout 10 "$cli" -H "unix://$sock" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -n "$ids" ]] && timeout 30 "$cli" -H "unix://$sock" rm -f $ids >/dev/null 2>&1 || true
  done
  for sock in "$ROOT"/h*/run/docker.pid; do
    [[ -f "$sock" ]] && kill -TERM "$(cat "$sock")" 2>/dev/null || true
  done
  # A paused Consul (consul-pause) would not act on SIGTERM until continued.
  [[ -f "$ROOT/underlay/consul.pid" ]] && kill -CONT "$(cat "$ROOT/underlay/consul.pid")" 2>/dev/null || true
  local i
  for i in $(seq 1 40); do
    pgrep -f -- "--data-root $ROOT/" >/dev/null || break
    sleep 0.5
  done
  kill_all TERM || true
  for i in $(seq 1 20); do testbed_pids | grep -q . || break; sleep 0.5; done
  for i in 1 2 3; do kill_all KILL || break; sleep 0.5; done
  # Mounts in the root namespace under $ROOT (namespace files, the private ns dir), deepest first.
  local m
  for m in $(awk -v r="$ROOT" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ "$ns" == "$UNDERLAY_NS" || "$ns" == "$P-rogue" || "$ns" =~ $NAME_RE ]] && ip netns del "$ns" 2>/dev/null || true
  done
  # The testbed never creates links in the root namespace; remove any that carry its names anyway.
  local l
  for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    [[ "$l" == "$UNDERLAY_BR" || "$l" =~ ^jo-(h[0-9]+|rogue)(-u)?$ ]] && ip link del "$l" 2>/dev/null || true
  done
  # Container cgroups (dockerd runs with --cgroup-parent /jo-hN), deepest first.
  find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -regex ".*/$P-h[0-9]+\\(/.*\\)?" 2>/dev/null | sort -r |
    while read -r d; do rmdir "$d" 2>/dev/null || true; done
  # Keep the last logs for post-mortems (a failed CI run has already called down by the time you look).
  local f
  for f in "$ROOT"/h[0-9]*/dockerd.log "$ROOT/underlay/consul.log"; do
    [[ -f "$f" ]] || continue
    mkdir -p "$ROOT/last-logs"; cp -f "$f" "$ROOT/last-logs/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  rm -rf --one-file-system "$ROOT"/h[0-9]* "$ROOT/underlay" "$ROOT/ns" "$ROOT/state" "$ROOT/created" 2>/dev/null || true
  [[ -n "$quiet" ]] || log "down: done"
}

cmd_down() {
  do_down
  # After a crash (dockerd SIGKILLed) container processes can still be exiting or waiting to be reaped
  # for a moment after the last SIGKILL; give them up to 5 s before calling them leftovers
  # (CleanTeardownIT's crash case failed on two such transient pids in 2 of 5 full runs).
  local i
  for i in $(seq 1 10); do
    leftovers && return 0
    kill_all KILL >/dev/null 2>&1 || true
    sleep 0.5
  done
  log "leftovers remain:"; leftovers verbose >&2; return 1
}

# True when nothing of the testbed is left; with 'verbose' lists what is left.
leftovers() {
  local out
  out=$( {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^($UNDERLAY_NS|$P-rogue|$P-h[0-9]+)$" | sed 's/^/netns /'
    testbed_pids | sed 's/^/pid /'
    awk -v r="$ROOT" 'index($2, r) == 1 {print "mount " $2}' /proc/mounts
    ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^($UNDERLAY_BR|jo-(h[0-9]+|rogue)(-u)?)$" | sed 's/^/link /'
  } || true)
  if [[ "${1:-}" == verbose && -n "$out" ]]; then echo "$out"; fi
  [[ -z "$out" ]]
}
