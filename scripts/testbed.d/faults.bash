# Sourced by scripts/testbed: fault primitives for the end-to-end tests (see docs/testbed.md, "Faults").
# Each one acts only on this testbed's own namespaces and processes; nothing in the root namespace.

# Ports of the Consul agent (server RPC, serf LAN/WAN, HTTP/HTTPS/gRPC, DNS): what a partition cuts.
CONSUL_PORTS="8300-8302, 8500-8503, 8600"

consul_pid() {
  [[ "$(state_get consul)" == 1 ]] || die "this testbed runs no Consul (up ... --consul)"
  local pid; pid=$(cat "$ROOT/underlay/consul.pid" 2>/dev/null) || die "no Consul pid file in $ROOT/underlay"
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == consul ]] || die "Consul (pid $pid) is not running"
  echo "$pid"
}

consul_cli() {  # consul CLI against the testbed's agent, from inside the underlay namespace
  local consul; consul=$("$HERE/ensure-consul")
  nsenter --net="/run/netns/$UNDERLAY_NS" -- env CONSUL_HTTP_ADDR=http://127.0.0.1:$CONSUL_PORT "$consul" "$@"
}

# The host "loses power": its underlay link is deleted first (so nothing it does while dying, not even
# a FIN or RST from a closing socket, reaches anyone), then every process of the host gets SIGKILL:
# dockerd, containerd, shims, container processes, and whatever ran in it through testbed exec (a
# plugin). Its namespaces stay until `down`; exec/docker on it are refused from now on.
cmd_vanish() {
  local h=${1:-}; check_host "$h"
  local dir; dir=$(hdir "$h")
  ip -n "$UNDERLAY_NS" link del "jo-$h-u" 2>/dev/null || true
  touch "$dir/vanished"
  local i pids
  for i in $(seq 1 50); do
    pids=$(host_pids "$h" | tr '\n' ' ')
    [[ -n "${pids// }" ]] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.1
  done
  pids=$(host_pids "$h" | tr '\n' ' ')
  [[ -z "${pids// }" ]] || die "vanish $h: processes still alive after SIGKILL: $pids"
  # A stale pid file would make `down` signal whatever process gets that pid next.
  rm -f "$dir/run/docker.pid"
  log "vanish: $h is gone (processes killed, underlay link jo-$h-u deleted)"
}

# Clears what a vanished host left (its namespace files and netns, its cgroups, its directory), so
# that `add` can start a fresh host with the same name and address: a machine that lost power and
# was reinstalled. Refuses while any process of the host is still alive.
clear_vanished() {
  local h=$1 dir; dir=$(hdir "$1")
  local pids; pids=$(host_pids "$h" | tr '\n' ' ')
  [[ -z "${pids// }" ]] || die "vanished host $h still has processes: $pids"
  local f
  for f in "$ROOT/ns/$h.mnt" "$ROOT/ns/$h.uts"; do
    [[ -e "$f" ]] || continue
    umount "$f" 2>/dev/null || umount -l "$f" 2>/dev/null || true
    rm -f "$f"
  done
  ip netns del "$P-$h" 2>/dev/null || true
  find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -regex ".*/$P-$h\\(/.*\\)?" 2>/dev/null | sort -r |
    while read -r d; do rmdir "$d" 2>/dev/null || true; done
  # Keep its dockerd log for post-mortems, as down does.
  [[ -f "$dir/dockerd.log" ]] && { mkdir -p "$ROOT/last-logs"; cp -f "$dir/dockerd.log" "$ROOT/last-logs/$h-vanished-dockerd.log"; }
  rm -rf --one-file-system "$dir"
  log "add: cleared the remains of vanished host $h"
}

# The host can no longer reach Consul, and Consul cannot reach it; host-to-host traffic (VXLAN) is
# untouched. Done in the underlay namespace with a bridge-family nftables table per host that drops
# the host's packets to Consul's ports at the bridge's local input and Consul's packets to the host at
# its local output; frames between hosts take the bridge's forward path, which no rule touches. The
# host's own firewall (which tests inspect and dockerd manages) is not changed. Established
# connections hang, as in a real partition (no RST).
cmd_consul_partition() {
  local h=${1:-} mode=${2:-}
  check_host "$h"
  [[ "$mode" == on || "$mode" == off ]] || die "consul-partition needs on or off, got '$mode'"
  consul_pid >/dev/null
  local table="jo_partition_$h" port="jo-$h-u"
  if [[ "$mode" == off ]]; then
    ip netns exec "$UNDERLAY_NS" nft delete table bridge "$table" 2>/dev/null || true
    log "consul-partition: $h reaches Consul again"
    return 0
  fi
  ip netns exec "$UNDERLAY_NS" nft -f - <<NFT
table bridge $table {
  chain to_consul {
    type filter hook input priority 0; policy accept;
    iifname "$port" ip daddr $GATEWAY meta l4proto { tcp, udp } th dport { $CONSUL_PORTS } drop
    iifname "$port" ip6 daddr $GATEWAY6 meta l4proto { tcp, udp } th dport { $CONSUL_PORTS } drop
  }
  chain from_consul {
    type filter hook output priority 0; policy accept;
    oifname "$port" ip saddr $GATEWAY meta l4proto { tcp, udp } th sport { $CONSUL_PORTS } drop
    oifname "$port" ip6 saddr $GATEWAY6 meta l4proto { tcp, udp } th sport { $CONSUL_PORTS } drop
  }
}
NFT
  log "consul-partition: $h cut off from Consul ($(consul_addr)); hosts still reach each other"
}

partitioned_hosts() {
  ip netns exec "$UNDERLAY_NS" nft list tables 2>/dev/null | sed -n 's/^table bridge jo_partition_//p' | tr '\n' ' '
}

cmd_consul_pause() {
  local pid; pid=$(consul_pid)
  kill -STOP "$pid"; touch "$ROOT/underlay/consul.paused"
  log "consul-pause: Consul agent (pid $pid) stopped with SIGSTOP; requests hang until consul-resume"
}

cmd_consul_resume() {
  local pid; pid=$(consul_pid)
  kill -CONT "$pid"; rm -f "$ROOT/underlay/consul.paused"
  log "consul-resume: Consul agent (pid $pid) continued"
}

cmd_consul_export() {
  local file=${1:-} prefix=${2:-}
  [[ -n "$file" ]] || die "consul-export needs a FILE"
  consul_pid >/dev/null
  consul_cli kv export "$prefix" > "$file.tmp.$$" && mv "$file.tmp.$$" "$file"
  log "consul-export: $(grep -c '"key"' "$file" || true) key(s)${prefix:+ under '$prefix'} -> $file"
}

cmd_consul_import() {
  local file=${1:-}
  [[ -f "$file" ]] || die "consul-import needs an existing FILE (from consul-export), got '$file'"
  consul_pid >/dev/null
  consul_cli kv import "@$file" >/dev/null
  log "consul-import: $(grep -c '"key"' "$file" || true) key(s) from $file"
}

cmd_consul_wipe() {
  local prefix=${1:-}
  consul_pid >/dev/null
  # The CLI refuses an empty key; the HTTP API deletes the whole store with /v1/kv/?recurse.
  nsenter --net="/run/netns/$UNDERLAY_NS" -- curl -fsS -m 10 -X DELETE \
    "http://127.0.0.1:$CONSUL_PORT/v1/kv/$prefix?recurse" >/dev/null
  log "consul-wipe: deleted every key${prefix:+ under '$prefix'}"
}

# Stops the host's dockerd with SIGTERM (clean shutdown: it stops its containers and its containerd)
# or SIGKILL (--kill: a crash; containerd and the containers keep running and the new dockerd finds
# them), then starts it again with the arguments it was first started with and waits for its API.
cmd_dockerd_restart() {
  local h=${1:-} sig=TERM
  [[ "${2:-}" == --kill ]] && sig=KILL
  [[ -z "${2:-}" || "${2:-}" == --kill ]] || die "dockerd-restart HOST [--kill], got '$2'"
  check_host "$h"
  local dir; dir=$(hdir "$h")
  local pid; pid=$(cat "$dir/run/docker.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data-root $dir/docker "; then
    local start; start=$(date +%s)
    kill "-$sig" "$pid"
    local i
    for i in $(seq 1 240); do [[ -e "/proc/$pid" ]] || break; sleep 0.25; done
    [[ ! -e "/proc/$pid" ]] || die "dockerd on $h (pid $pid) did not exit within 60s of SIG$sig"
    log "dockerd-restart: dockerd on $h (pid $pid) exited after SIG$sig in $(( $(date +%s) - start ))s"
  else
    log "dockerd-restart: dockerd on $h was not running; starting it"
  fi
  rm -f "$dir/run/docker.pid"
  launch_dockerd "$h"
  wait_host "$h"
  log "dockerd-restart: dockerd on $h answers again (pid $(cat "$dir/run/docker.pid" 2>/dev/null))"
}
