# Sourced by scripts/testbed: a rogue machine on the underlay (see docs/testbed.md, "A rogue host").
#
# The rogue is a plain network namespace, $P-rogue, plugged into the underlay bridge like a host
# (port jo-rogue-u) with an address in the underlay subnet, 198.18.0.250/24 (fd00:198:18::250/64 with
# --underlay6), a fixed MAC 02:00:c6:12:00:fa and a default route via the gateway. It runs no dockerd and
# no plugin, and is never registered in the store: a machine that can reach the hosts' VXLAN port but is
# not a cluster member. Commands run in it with `rogue exec` share the root mount namespace (the
# repository, python3, tcpdump), only the network is the rogue's.

ROGUE_NS=$P-rogue
ROGUE_PORT=jo-rogue-u
ROGUE_IP=198.18.0.250
ROGUE_IP6=fd00:198:18::250
ROGUE_MAC=02:00:c6:12:00:fa

rogue_ip() { if underlay6; then echo "$ROGUE_IP6"; else echo "$ROGUE_IP"; fi; }

rogue_up() {
  [[ "$(state_get up)" == 1 ]] || die "no testbed is up (run 'testbed up' first)"
  if [[ -e "/run/netns/$ROGUE_NS" ]]; then
    log "rogue: already up ($ROGUE_NS, $(rogue_ip))"
    return 0
  fi
  ip netns add "$ROGUE_NS"; record "netns $ROGUE_NS"
  ip link add "$ROGUE_PORT" netns "$UNDERLAY_NS" mtu "$HOST_MTU" type veth peer name eth0 netns "$ROGUE_NS" \
    mtu "$HOST_MTU" address "$ROGUE_MAC"
  ip -n "$UNDERLAY_NS" link set "$ROGUE_PORT" master "$UNDERLAY_BR" up
  ip -n "$ROGUE_NS" link set lo up
  ip -n "$ROGUE_NS" link set eth0 up
  if underlay6; then
    ip -n "$ROGUE_NS" addr add "$ROGUE_IP6/64" dev eth0 nodad
    ip -n "$ROGUE_NS" -6 route add default via "$GATEWAY6"
  else
    ip -n "$ROGUE_NS" addr add "$ROGUE_IP/24" dev eth0
    ip -n "$ROGUE_NS" route add default via "$GATEWAY"
  fi
  log "rogue: up, netns $ROGUE_NS, $(rogue_ip) on the underlay (not a cluster member: no dockerd, no plugin)"
}

# The pids whose network namespace is the rogue's.
rogue_pids() {
  local ino; ino=$(ns_inode "/run/netns/$ROGUE_NS")
  [[ -n "$ino" ]] || return 0
  find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
    awk -v want="net:[$ino]" '$2 == want {split($1, a, "/"); print a[3]}' | grep -vxE "$$|$BASHPID" || true
}

# Kills whatever still runs in the rogue's namespace (a listener, a capture), then deletes the namespace
# and with it the veth pair. Idempotent.
rogue_down() {
  if [[ -e "/run/netns/$ROGUE_NS" ]]; then
    local pids i
    for i in 1 2 3 4 5; do
      pids=$(rogue_pids | tr '\n' ' ')
      [[ -n "${pids// }" ]] || break
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
      sleep 0.2
    done
    ip netns del "$ROGUE_NS"
  fi
  ip -n "$UNDERLAY_NS" link del "$ROGUE_PORT" 2>/dev/null || true
  log "rogue: down"
}

cmd_rogue() {
  local sub=${1:-}; shift || true
  case "$sub" in
    up|down)
      [[ $(id -u) -eq 0 ]] || die "must run as root"
      mkdir -p "$ROOT"; exec 9>"$ROOT/.lock"; flock 9
      if [[ "$sub" == up ]]; then rogue_up; else rogue_down; fi ;;
    exec)
      (($# >= 1)) || usage
      [[ -e "/run/netns/$ROGUE_NS" ]] || die "the rogue is not up (testbed rogue up)"
      exec nsenter --net="/run/netns/$ROGUE_NS" -- "$@" ;;
    ip) rogue_ip ;;
    *) usage ;;
  esac
}
