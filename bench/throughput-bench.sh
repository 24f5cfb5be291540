#!/usr/bin/env bash
# Throughput benchmark (issue 14): javaoverlay vs Docker's overlay vs the bare underlay, container on h1 ->
# container on h2, in alternating rounds on the same two testbed hosts (Docker 20.10 + Consul, underlay MTU 1400).
# Optional knobs apply hand-made changes to javaoverlay's data plane for their own runs only, so each knob is
# measured against the untouched setup within seconds. See docs/perf-notes.md for what each knob does and why.
#
# Usage (as root, from anywhere; builds the plugin if there is no build):
#   bench/throughput-bench.sh [--rounds N] [--seconds S] [--knob K]... [--ov-default-mtu] [--no-underlay]
#                             [--no-latency] [--nsl-vxlan-opts "OPTS"] [--profile] [--out FILE] [--keep]
#                             [--daemon-flags "FLAGS"]
# Defaults: 5 rounds, 4 s per iperf3 run, no knobs, latency on. Knobs (repeatable):
#   fwd-top        iptables: FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT inserted at position 1 (before Docker's chains)
#   notrack        iptables raw PREROUTING -i jo-br-+ -j CT --notrack (bridged frames skip conntrack)
#   brnf0          net.bridge.bridge-nf-call-{iptables,ip6tables,arptables}=0 in the host namespaces (a bound:
#                  Docker needs it on, so javaoverlay must not set it)
#   veth-gro       ethtool -K rx-gro on, both ends of javaoverlay's veths (veth NAPI mode)
#   udp-gro-fwd    ethtool -K eth0 rx-udp-gro-forwarding on (underlay NIC of both hosts)
#   notrack-outer  iptables raw PREROUTING/OUTPUT -p udp --dport 4789 -j CT --notrack (outer VXLAN datagrams)
#   nsl            extra path: Docker's layout built by hand (per-network netns holding the bridge, the vxlan
#                  device created in the host namespace then moved in, and the veth host end), same containers
#   nsl0           extra path: nsl plus bridge-nf-call-*=0 inside that per-network namespace only
#   nslx           extra path: nsl0 whose vxlan device also gets --nsl-vxlan-opts (e.g. "noudpcsum", "df set",
#                  "ttl 64", "dstport 8472"), to measure a VXLAN option against nsl0 in the same rounds
#   mvl            extra path: no bridge and no veth: a macvlan child (mode bridge) of a vxlan device in the host
#                  namespace, moved into the same containers (what Docker's macvlan driver does with a NIC)
#   nofilter       the VXLAN ingress filter (nftables table inet javaoverlay) removed on both hosts for the run,
#                  and loaded again from what `nft list table` printed before (its cost per received packet)
#   tcr            (with --daemon-flags --fast-path=false: the daemon's own fast path does the same) tc: clsact on javaoverlay's veth host end and vxlan device of both hosts, with a u32 filter
#                  per unicast MAC (remote container -> vxlan, local container -> veth) and action mirred redirect,
#                  so container unicast bypasses the bridge and br_netfilter; broadcast still takes the bridge
# --profile samples every CPU with perf during each iperf3 run (perf record -a) and reports, per path, the share of
# the iperf3 + ksoftirqd samples spent in netfilter (nf_*, nft_*, br_nf_*, conntrack) and in the bridge (br_*, fdb_*).
# --ov-default-mtu adds Docker's overlay at its default container MTU 1450 (which does not fit the 1400 underlay:
# non-GSO packets over 1400 bytes are dropped; bulk TCP only passes because the veth underlay never segments GSO).
# Prints a Markdown report (per-round figures, medians, ratios to Docker's overlay, load average, exact MTUs);
# --out also writes it to FILE. All traffic stays in the testbed's namespaces; every loop is bounded; the testbed
# (and everything this script made) is torn down at exit unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
P=${TESTBED_PREFIX:-jo}
TB_ROOT=${TESTBED_ROOT:-/var/lib/javaoverlay-testbed}
rounds=5 secs=4 out="" keep=0 latency=1 underlay=1 ovd=0 nsl_opts="" profile=0 knobs=() dflags=
usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --knob) knobs+=("$2"); shift 2 ;;
    --ov-default-mtu) ovd=1; shift ;;
    --no-underlay) underlay=0; shift ;;
    --no-latency) latency=0; shift ;;
    --nsl-vxlan-opts) nsl_opts=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --profile) profile=1; shift ;;
    --daemon-flags) dflags=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument $1" >&2; usage ;;
  esac
done
((rounds >= 3 && rounds <= 50 && secs >= 1 && secs <= 60)) || { echo "rounds 3..50, seconds 1..60" >&2; exit 2; }
for k in "${knobs[@]}"; do
  case "$k" in fwd-top|notrack|brnf0|veth-gro|udp-gro-fwd|notrack-outer|nsl|nsl0|nslx|mvl|tcr|nofilter) ;; *) echo "unknown knob $k" >&2; usage ;; esac
done
for t in iperf3 jq python3 nsenter ethtool iptables; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
((profile == 0)) || command -v perf >/dev/null || { echo "missing perf (apt-get install linux-perf), or drop --profile" >&2; exit 1; }
((latency == 0)) || command -v sockperf >/dev/null || { echo "missing sockperf (apt-get install sockperf), or --no-latency" >&2; exit 1; }

logdir=$(mktemp -d /tmp/jo-tput-bench.XXXXXX)
log() { echo "bench: $*" >&2; }
D() { "$T" docker "$@"; }
hn() { local h=$1; shift; nsenter --net="/run/netns/$P-$h" -- "$@"; }   # a host's network namespace
both() { hn h1 "$@" && hn h2 "$@"; }
bg_pids=()
cleanup() {
  local p i
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if ((keep == 0)); then
    for i in 1 2; do ip netns del "$P-nsl$i" 2>/dev/null || true; ip netns del "$P-nsl0$i" 2>/dev/null || true
                     ip netns del "$P-nslx$i" 2>/dev/null || true; done
    "$T" down >/dev/null 2>&1 || true
  fi
  log "raw data and logs in $logdir"
}
trap cleanup EXIT

# ---- build, testbed, daemons ----------------------------------------------------------------------------------
if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1 || [[ ! -d "$root/plugin-server/target/lib" ]]; then
  log "building (nice mvn -B -q -o package -DskipTests)"
  nice -n 10 mvn -B -q -o package -DskipTests >&2
fi
log "testbed up 2 --docker 20 (+ Consul), prefix $P"
"$T" up 2 --docker 20 >&2
sock() { echo "$TB_ROOT/$1/run/docker/plugins/javaoverlay.sock"; }
for h in h1 h2; do
  rm -f "$(sock "$h")"
  # shellcheck disable=SC2086 # --daemon-flags is a list of words
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store "consul://198.18.0.1:8500" --scope global \
    --advertise-addr "198.18.0.1${h#h}" --host-id "$h" $dflags >"$logdir/daemon-$h.log" 2>&1 </dev/null &
  bg_pids+=($!)
done
for h in h1 h2; do
  for _ in $(seq 1 600); do grep -q 'Daemon: ready' "$logdir/daemon-$h.log" && break; sleep 0.1; done
  grep -q 'Daemon: ready' "$logdir/daemon-$h.log" || { tail -20 "$logdir/daemon-$h.log" >&2; log "daemon on $h not ready"; exit 1; }
done

# ---- networks and containers ----------------------------------------------------------------------------------
nets=(jo ov); ((ovd)) && nets+=(ovd)
D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet 10.77.0.0/24 jo >/dev/null
# Docker's overlay: driver.mtu is the underlay MTU (it subtracts 50 itself), so 1400 gives 1350 inside, like ours.
D h1 network create -d overlay -o com.docker.network.driver.mtu=1400 --subnet 10.78.0.0/24 ov >/dev/null
((ovd == 0)) || D h1 network create -d overlay --subnet 10.79.0.0/24 ovd >/dev/null
declare -A pid_a pid_b ip_b mtu_c
for n in "${nets[@]}"; do
  D h1 run -d --name "a-$n" --net "$n" jo-test sleep 1d >/dev/null
  D h2 run -d --name "b-$n" --net "$n" jo-test sleep 1d >/dev/null
  pid_a[$n]=$(D h1 inspect -f '{{.State.Pid}}' "a-$n"); pid_b[$n]=$(D h2 inspect -f '{{.State.Pid}}' "b-$n")
  ip_b[$n]=$(D h2 inspect -f "{{(index .NetworkSettings.Networks \"$n\").IPAddress}}" "b-$n")
  mtu_c[$n]=$(nsenter -t "${pid_a[$n]}" -n ip -j link show eth0 | jq -r '.[0].mtu')
done
cns() { local p=$1; shift; nsenter -t "$p" -n -- "$@"; }   # a container's network namespace (host's tools)
wait_ping() { for _ in $(seq 1 60); do cns "$1" ping -c1 -W1 "$2" >/dev/null 2>&1 && return 0; done; return 1; }
for n in "${nets[@]}"; do wait_ping "${pid_a[$n]}" "${ip_b[$n]}" || { log "path $n does not ping"; exit 1; }; done

# ---- hand-made per-network-namespace layout (knobs nsl, nsl0) -------------------------------------------------
# What Docker's overlay does (libnetwork drivers/overlay): a netns per network holding the bridge; the vxlan device
# is created in the host namespace (so its UDP socket stays there) and moved in; the veth host end is moved in.
mk_nsl() {  # name vni octet iface brnf(0|1) [vxlan options...]
  local name=$1 vni=$2 oct=$3 ifc=$4 brnf=$5 i j ns pid port=4789
  shift 5; local opts=("$@")
  [[ " ${opts[*]} " =~ \ dstport\ ([0-9]+)\  ]] && port=${BASH_REMATCH[1]}
  declare -A mac
  for i in 1 2; do
    ns="$P-$name$i"; pid=$([[ $i == 1 ]] && echo "${pid_a[jo]}" || echo "${pid_b[jo]}")
    ip netns add "$ns"; ip -n "$ns" link set lo up
    ((brnf)) || ip netns exec "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
    [[ " ${opts[*]} " == *" dstport "* ]] || opts+=(dstport 4789)
    hn "h$i" ip link add "$name-vx" mtu 1350 type vxlan id "$vni" local "198.18.0.1$i" dev eth0 nolearning proxy "${opts[@]}"
    hn "h$i" ip link set "$name-vx" netns "$ns"
    ip -n "$ns" link add br0 mtu 1350 type bridge
    ip -n "$ns" link set "$name-vx" master br0
    hn "h$i" ip link add "$name-h" mtu 1350 type veth peer name "$name-c" mtu 1350
    hn "h$i" ip link set "$name-h" netns "$ns"
    hn "h$i" ip link set "$name-c" netns "$pid"
    ip -n "$ns" link set "$name-h" master br0
    for d in br0 "$name-vx" "$name-h"; do ip -n "$ns" link set "$d" up; done
    cns "$pid" ip link set "$name-c" name "$ifc"
    cns "$pid" ip addr add "10.$oct.0.$i/24" dev "$ifc"
    cns "$pid" ip link set "$ifc" up
    mac[$i]=$(cns "$pid" ip -j link show "$ifc" | jq -r '.[0].address')
  done
  for i in 1 2; do
    j=$((3 - i)); ns="$P-$name$i"
    ip netns exec "$ns" bridge fdb add "${mac[$j]}" dev "$name-vx" dst "198.18.0.1$j" port "$port" self permanent
    ip -n "$ns" neigh add "10.$oct.0.$j" lladdr "${mac[$j]}" dev "$name-vx" nud permanent
  done
  pid_a[$name]=${pid_a[jo]}; pid_b[$name]=${pid_b[jo]}; ip_b[$name]="10.$oct.0.2"; mtu_c[$name]=1350
  wait_ping "${pid_a[$name]}" "${ip_b[$name]}" || { log "hand-made path $name does not ping"; exit 1; }
}

# macvlan children of a vxlan device (knob mvl): the container's interface is a macvlan (mode bridge) on the vxlan
# device, which stays in the host namespace; no bridge, no veth, so no br_netfilter and no bridge hop.
mk_mvl() {
  local i j pid
  declare -A mac
  for i in 1 2; do
    pid=$([[ $i == 1 ]] && echo "${pid_a[jo]}" || echo "${pid_b[jo]}")
    hn "h$i" ip link add mvl-vx mtu 1350 type vxlan id 4103 local "198.18.0.1$i" dev eth0 dstport 4789 nolearning proxy
    hn "h$i" ip link set mvl-vx up
    hn "h$i" ip link add link mvl-vx name mvl-c mtu 1350 type macvlan mode bridge
    hn "h$i" ip link set mvl-c netns "$pid"
    cns "$pid" ip link set mvl-c name eth6
    cns "$pid" ip addr add "10.93.0.$i/24" dev eth6
    cns "$pid" ip link set eth6 up
    mac[$i]=$(cns "$pid" ip -j link show eth6 | jq -r '.[0].address')
  done
  for i in 1 2; do
    j=$((3 - i))
    hn "h$i" bridge fdb add "${mac[$j]}" dev mvl-vx dst "198.18.0.1$j" self permanent
    hn "h$i" ip neigh add "10.93.0.$j" lladdr "${mac[$j]}" dev mvl-vx nud permanent
  done
  pid_a[mvl]=${pid_a[jo]}; pid_b[mvl]=${pid_b[jo]}; ip_b[mvl]=10.93.0.2; mtu_c[mvl]=1350
  wait_ping "${pid_a[mvl]}" "${ip_b[mvl]}" || { log "hand-made path mvl does not ping"; exit 1; }
}

# ---- knobs: on/off around their own runs ---------------------------------------------------------------------
jo_veths() { hn "$1" ip -j link show | jq -r '.[] | select(.ifname | startswith("jo-h-")) | .ifname'; }
veth_gro() { local h d; for h in h1 h2; do for d in $(jo_veths $h); do hn $h ethtool -K "$d" rx-gro "$1"; done; done
             cns "${pid_a[jo]}" ethtool -K eth0 rx-gro "$1"; cns "${pid_b[jo]}" ethtool -K eth0 rx-gro "$1"; }
jo_vx() { hn "$1" ip -j link show | jq -r '.[] | select(.ifname | startswith("jo-vx-")) | .ifname' | head -1; }
cmac() { cns "$1" ip -j link show eth0 | jq -r '.[0].address'; }
tcr() {  # on|off: unicast between the two jo containers by tc redirect, around the bridge
  local h vh vx mine theirs
  for h in h1 h2; do
    vh=$(jo_veths $h | head -1); vx=$(jo_vx $h)
    if [[ $h == h1 ]]; then mine=$(cmac "${pid_a[jo]}"); theirs=$(cmac "${pid_b[jo]}"); else mine=$(cmac "${pid_b[jo]}"); theirs=$(cmac "${pid_a[jo]}"); fi
    if [[ $1 == on ]]; then
      hn $h tc qdisc add dev "$vh" clsact; hn $h tc qdisc add dev "$vx" clsact
      hn $h tc filter add dev "$vh" ingress prio 10 protocol all u32 match ether dst "$theirs" action mirred egress redirect dev "$vx"
      hn $h tc filter add dev "$vx" ingress prio 10 protocol all u32 match ether dst "$mine" action mirred egress redirect dev "$vh"
    else
      hn $h tc qdisc del dev "$vh" clsact; hn $h tc qdisc del dev "$vx" clsact
    fi
  done
}
brnf() { both sysctl -qw "net.bridge.bridge-nf-call-iptables=$1" "net.bridge.bridge-nf-call-ip6tables=$1" "net.bridge.bridge-nf-call-arptables=$1"; }
knob() {  # knob on|off
  local a; [[ $2 == on ]] && a=-I || a=-D
  case "$1" in
    fwd-top) if [[ $2 == on ]]; then both iptables -I FORWARD 1 -i jo-br-+ -o jo-br-+ -j ACCEPT; else both iptables -D FORWARD 1; fi ;;
    notrack) both iptables -t raw $a PREROUTING -i jo-br-+ -j CT --notrack; both ip6tables -t raw $a PREROUTING -i jo-br-+ -j CT --notrack ;;
    brnf0) if [[ $2 == on ]]; then brnf 0; else brnf 1; fi ;;
    veth-gro) veth_gro "$2" ;;
    tcr) tcr "$2" ;;
    nofilter) for h in h1 h2; do
                if [[ $2 == on ]]; then hn $h nft list table inet javaoverlay > "$logdir/nft-$h"; hn $h nft delete table inet javaoverlay
                else hn $h nft -f "$logdir/nft-$h"; fi
              done ;;
    udp-gro-fwd) both ethtool -K eth0 rx-udp-gro-forwarding "$2" ;;
    notrack-outer) both iptables -t raw $a PREROUTING -p udp --dport 4789 -j CT --notrack
                   both iptables -t raw $a OUTPUT -p udp --dport 4789 -j CT --notrack ;;
  esac
}
paths=(jo ov); ((ovd)) && paths+=(ovd); ((underlay)) && paths+=(ul)
for k in "${knobs[@]}"; do
  case "$k" in
    nsl) mk_nsl nsl 4100 90 eth9 1; paths+=(nsl) ;;
    nsl0) mk_nsl nsl0 4101 91 eth8 0; paths+=(nsl0) ;;
    nslx) # shellcheck disable=SC2086 # a list of ip-link words
          mk_nsl nslx 4102 92 eth7 0 $nsl_opts; paths+=(nslx) ;;
    mvl) mk_mvl; paths+=(mvl) ;;
    *) pid_a["jo+$k"]=${pid_a[jo]}; pid_b["jo+$k"]=${pid_b[jo]}; ip_b["jo+$k"]=${ip_b[jo]}; mtu_c["jo+$k"]=${mtu_c[jo]}; paths+=("jo+$k") ;;
  esac
done
# The host's eth0 as seen from its own namespace (a plain `cat /sys/...` after nsenter --net would read the root
# mount namespace's sysfs, i.e. the VM's eth0).
pid_a[ul]=""; ip_b[ul]=198.18.0.12; mtu_c[ul]=$(hn h1 ip -j link show eth0 | jq -r '.[0].mtu')

# ---- servers ---------------------------------------------------------------------------------------------------
for n in "${nets[@]}"; do
  # nsenter execs the server, so $! is the server's own pid (a shell function here would leave it orphaned).
  nsenter -t "${pid_b[$n]}" -n -- iperf3 -s >"$logdir/iperf3-$n.log" 2>&1 </dev/null & bg_pids+=($!)
  if ((latency)); then nsenter -t "${pid_b[$n]}" -n -- sockperf sr --tcp -p 11111 >/dev/null 2>&1 </dev/null & bg_pids+=($!); fi
done
nsenter --net="/run/netns/$P-h2" -- iperf3 -s >"$logdir/iperf3-ul.log" 2>&1 </dev/null & bg_pids+=($!)
if ((latency)); then nsenter --net="/run/netns/$P-h2" -- sockperf sr --tcp -p 11111 >/dev/null 2>&1 </dev/null & bg_pids+=($!); fi
sleep 1

# ---- measurement -----------------------------------------------------------------------------------------------
client() {  # path cmd... : runs cmd in the client's namespace of that path
  local p=$1; shift
  if [[ $p == ul ]]; then hn h1 "$@"; else cns "${pid_a[$p]}" "$@"; fi
}
ksoftirqd_ticks() { local t=0 p; for p in $(pgrep -x 'ksoftirqd/[0-9]+'); do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$t"; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
tput_run() {  # path round -> appends one line to tput.tsv
  local p=$1 r=$2 k0 k1 b0 b1 j
  [[ $p == jo+* ]] && knob "${p#jo+}" on
  k0=$(ksoftirqd_ticks); b0=$(busy)
  local perfpid=""
  if ((profile)); then perf record -a -F 999 -o "$logdir/perf.data" -- sleep "$secs" >/dev/null 2>&1 & perfpid=$!; fi
  j=$(client "$p" timeout $((secs + 15)) iperf3 -c "${ip_b[$p]}" -t "$secs" -J 2>/dev/null || true)
  k1=$(ksoftirqd_ticks); b1=$(busy)
  if [[ -n $perfpid ]]; then wait "$perfpid" || true; profile_share "$p" "$r"; fi
  [[ $p == jo+* ]] && knob "${p#jo+}" off
  echo "$j" > "$logdir/iperf3-$p-$r.json"
  # Gbit/s received; retransmits; CPU ms per GB = (sender + receiver process CPU, which includes the softirq work
  # done in their context, + ksoftirqd) / bytes; machine busy % over the run (all tenants).
  jq -r --arg p "$p" --arg r "$r" --argjson k $((k1 - k0)) --arg b0 "$b0" --arg b1 "$b1" --arg la "$(cut -d' ' -f1 /proc/loadavg)" '
    .end as $e | ($e.sum_received.bytes / 1e9) as $gb | $e.sum_sent.seconds as $t |
    ($b0 | split(" ") | map(tonumber)) as $x | ($b1 | split(" ") | map(tonumber)) as $y |
    [$p, $r, ($e.sum_received.bits_per_second / 1e9), $e.sum_sent.retransmits,
     ((($e.cpu_utilization_percent.host_total + $e.cpu_utilization_percent.remote_total) / 100 * $t * 1000 + $k * 10) / $gb),
     (100 * ($y[0] - $x[0]) / ($y[1] - $x[1])), $la] | @tsv' <<<"$j" >> "$logdir/tput.tsv" \
    || echo -e "$p\t$r\tnan\tnan\tnan\tnan\t$(cut -d' ' -f1 /proc/loadavg)" >> "$logdir/tput.tsv"
}
profile_share() {  # path round -> prof.tsv: share of iperf3+ksoftirqd samples in netfilter and in the bridge (%)
  perf report -i "$logdir/perf.data" --no-children --comm iperf3,ksoftirqd/0,ksoftirqd/1 --sort sym --stdio -g none 2>/dev/null \
    | awk -v p="$1" -v r="$2" '/^ +[0-9.]+%/ {v=$1; sub("%","",v); tot+=v; s=$3
        if (s ~ /^(nf_|nft_|__nf_|br_nf|ipt_|ip6t_|xt_|ipv4_conntrack|ipv4_confirm|hash_conntrack)/ || s ~ /conntrack/) nf+=v
        else if (s ~ /^(br_|__br_|fdb_|nbp_)/) br+=v }
      END { if (tot > 0) printf "%s\t%s\t%.1f\t%.1f\n", p, r, 100*nf/tot, 100*br/tot }' >> "$logdir/prof.tsv" || true
  rm -f "$logdir/perf.data"
}
lat_run() {  # path round -> ping RTT avg (ms) and sockperf TCP ping-pong p50/p99 (us)
  local p=$1 r=$2 pg sp
  [[ $p == jo+* ]] && knob "${p#jo+}" on
  pg=$(client "$p" ping -c 20 -i 0.05 -q "${ip_b[$p]}" 2>/dev/null | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
  sp=$(client "$p" timeout 15 sockperf pp --tcp -i "${ip_b[$p]}" -p 11111 -t 2 --full-rtt 2>/dev/null \
       | sed 's/\x1b\[[0-9;]*m//g' | awk '/percentile 50.000/{a=$NF} /percentile 99.000/{b=$NF} END{print a"\t"b}')
  [[ $p == jo+* ]] && knob "${p#jo+}" off
  echo -e "$p\t$r\t${pg:-nan}\t${sp:-nan	nan}" >> "$logdir/lat.tsv"
}
: > "$logdir/tput.tsv"; : > "$logdir/lat.tsv"; : > "$logdir/prof.tsv"
log "paths: ${paths[*]}; $rounds rounds x ${secs}s, order rotated each round"
for r in $(seq 1 "$rounds"); do
  n=${#paths[@]}
  for i in $(seq 0 $((n - 1))); do tput_run "${paths[$(( (i + r - 1) % n ))]}" "$r"; done
  if ((latency)); then for i in $(seq 0 $((n - 1))); do lat_run "${paths[$(( (i + r - 1) % n ))]}" "$r"; done; fi
  log "round $r done (load $(cut -d' ' -f1-3 /proc/loadavg))"
done

# ---- report ----------------------------------------------------------------------------------------------------
vx_mtu() { hn h1 ip -j link show | jq -r --arg n "$1" '.[] | select(.ifname | startswith($n)) | .mtu' | head -1; }
# Docker's overlay keeps br0 and vxlan0 in /run/docker/netns/1-<first 10 of the network id> (h1's mount namespace).
ov_vx_mtu() {
  local id; id=$(D h1 network inspect -f '{{.Id}}' "$1" | cut -c1-10)
  "$T" exec h1 nsenter --net="/run/docker/netns/1-$id" ip -j link show vxlan0 2>/dev/null | jq -r '.[0].mtu' || echo "?"
}
ovmtus=""; for n in "${nets[@]}"; do [[ $n == jo ]] || ovmtus+="$n=$(ov_vx_mtu "$n") "; done
report=$(python3 - "$logdir" "$rounds" "$secs" "${paths[*]}" "$(uname -r)" "$(date -u +%FT%TZ)" \
  "$(for p in "${paths[@]}"; do echo -n "$p=${mtu_c[$p]} "; done)" "$(vx_mtu jo-vx-)" "$latency" "$nsl_opts" "$ovmtus" "${mtu_c[ul]}" <<'PY'
import sys, statistics as st, math
logdir, rounds, secs, paths, kernel, when, mtus, jovx, latency, nslopts, ovmtus, ulmtu = sys.argv[1:13]
ovvx = dict(x.split("=") for x in ovmtus.split())
paths = paths.split(); mtu = dict(x.split("=") for x in mtus.split())
def f(x):
    try: return float(x)
    except ValueError: return math.nan
rows = [l.rstrip("\n").split("\t") for l in open(f"{logdir}/tput.tsv") if l.strip()]
T = {}
for p, r, g, retr, cpu, busy, la in rows: T.setdefault(p, {})[int(r)] = (f(g), f(retr), f(cpu), f(busy), f(la))
R = sorted({int(r[1]) for r in rows})
def med(a):
    a = [x for x in a if not math.isnan(x)]
    return st.median(a) if a else math.nan
def rng(a):
    a = [x for x in a if not math.isnan(x)]
    return f"{min(a):.2f}–{max(a):.2f}" if a else "n/a"
def ratio(p, i):  # per-round ratio to Docker's overlay (paired within the round), median and range
    a = [T[p][r][i] / T["ov"][r][i] for r in R if r in T[p] and r in T["ov"] and T["ov"][r][i] > 0]
    return med(a), rng(a)
label = {"jo": "javaoverlay (as shipped)", "ov": "Docker overlay (driver.mtu=1400)", "ovd": "Docker overlay (default MTU)",
         "ul": "underlay host → host", "nsl": "javaoverlay, per-network netns layout (hand-made)",
         "nsl0": "javaoverlay, netns layout + bridge-nf-call-*=0 in it (hand-made)",
         "nslx": "as nsl0, vxlan options: " + nslopts,
         "mvl": "javaoverlay, macvlan child of the vxlan device, no bridge/veth (hand-made)"}
def name_of(p):
    return label.get(p, f"javaoverlay + knob `{p[3:]}`" if p.startswith("jo+") else p)
mtunote = {"jo": f"{mtu.get('jo')} (vxlan dev {jovx})", "ov": f"{mtu.get('ov')} (vxlan0 {ovvx.get('ov', '?')})",
           "ovd": f"{mtu.get('ovd')} (vxlan0 {ovvx.get('ovd', '?')}; > underlay − 50: does not fit)",
           "ul": ulmtu, "nsl": "1350", "nsl0": "1350", "nslx": "1350", "mvl": "1350"}
print(f"Run {when}, kernel {kernel}, Docker 20.10 + Consul, 2 testbed hosts, underlay (eth0) MTU {ulmtu}. "
      f"iperf3 TCP, one stream, container on h1 → container on h2, {secs} s per run, {len(R)} rounds; "
      f"the order of paths rotates each round, and a knob is on only during its own run.\n")
print("| path | container MTU | " + " | ".join(f"r{r}" for r in R) + " | median Gbit/s | × Docker overlay (per-round median, range) | retransmits (median) | CPU ms/GB (median) | CPU/GB × Docker |")
print("|---|---|" + "---|" * len(R) + "---|---|---|---|---|")
for p in paths:
    if p not in T: continue
    g = [T[p].get(r, (math.nan,))[0] for r in R]
    rm, rr = ratio(p, 0) if "ov" in T else (math.nan, "")
    cm, _ = ratio(p, 2) if "ov" in T else (math.nan, "")
    name = name_of(p)
    print(f"| {name} | {mtunote.get(p, mtu.get(p, '?'))} | " + " | ".join(f"{x:.2f}" for x in g)
          + f" | **{med(g):.2f}** | {rm:.3f} ({rr}) | {med([T[p][r][1] for r in R if r in T[p]]):.0f} | "
          + f"{med([T[p][r][2] for r in R if r in T[p]]):.0f} | {cm:.3f} |")
if "jo" in T and any(p not in ("jo", "ov", "ovd", "ul") for p in T):
    print("\nKnobs against the untouched javaoverlay path of the same round (per-round ratio, median and range):\n")
    def vs(p, q, i):
        a = [T[p][r][i] / T[q][r][i] for r in R if r in T[p] and r in T[q] and T[q][r][i] > 0]
        return f"{med(a):.3f} ({rng(a)})"
    base = {p: ("nsl0" if p == "nslx" and "nsl0" in T else "jo") for p in paths}
    print("| path | compared with | throughput × | CPU ms/GB × |\n|---|---|---|---|")
    for p in paths:
        if p in ("jo", "ov", "ovd", "ul") or p not in T: continue
        print(f"| {name_of(p)} | {name_of(base[p])} | {vs(p, base[p], 0)} | {vs(p, base[p], 2)} |")
Pr = {}
for l in open(f"{logdir}/prof.tsv"):
    p, r, nf, br = l.rstrip("\n").split("\t")
    Pr.setdefault(p, []).append((f(nf), f(br)))
if Pr:
    print("\nWhere the path's CPU goes (perf record -a during each run; share of the iperf3 + ksoftirqd samples, median "
          "and range over the rounds; the underlay bridge of the testbed is in every path):\n")
    print("| path | netfilter (nf_*, nft_*, br_nf_*, conntrack) % | bridge (br_*, fdb_*) % |\n|---|---|---|")
    for p in paths:
        if p in Pr:
            v = Pr[p]
            print(f"| {name_of(p)} | {med([x[0] for x in v]):.1f} ({rng([x[0] for x in v])}) | {med([x[1] for x in v]):.1f} ({rng([x[1] for x in v])}) |")
la = [x[4] for p in T for x in T[p].values()]; busy = [x[3] for p in T for x in T[p].values()]
print(f"\nLoad average (1 min) during the runs: {min(la):.2f}–{max(la):.2f} on 2 CPUs; machine busy during runs "
      f"(all tenants, /proc/stat): median {med(busy):.0f} %.")
if latency == "1":
    L = {}
    for l in open(f"{logdir}/lat.tsv"):
        p, r, pg, p50, p99 = l.rstrip("\n").split("\t")
        L.setdefault(p, []).append((f(pg), f(p50), f(p99)))
    print("\n| path | ping RTT avg, ms (median of rounds) | TCP request/response RTT (sockperf ping-pong), p50 µs | p99 µs |\n|---|---|---|---|")
    for p in paths:
        if p in L:
            v = L[p]
            print(f"| {name_of(p)} | {med([x[0] for x in v]):.3f} | {med([x[1] for x in v]):.1f} | {med([x[2] for x in v]):.1f} |")
PY
)
echo "$report"
[[ -z "$out" ]] || echo "$report" > "$out"
