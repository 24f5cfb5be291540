#!/usr/bin/env bash
# End-to-end benchmark of javaoverlay against Docker's own overlay, side by side on the same two
# testbed hosts (Docker 20.10 + Consul at 198.18.0.1:8500, underlay MTU 1400). One run measures:
#   - iperf3 TCP throughput and ping RTT, container -> container across hosts, on javaoverlay, on
#     Docker's overlay, and host -> host on the underlay;
#   - `docker run -d` until the container runs, on each network;
#   - a container's start on h1 until h2 can ping it, on each network (a `docker exec ping` loop on h2);
#   - a container's start on h1 until its own first ping to a container on h2 is answered: the new
#     container pings from its first instruction (every 10 ms) and logs the kernel's clock
#     (/proc/uptime, 10 ms steps) at the first reply, so no `docker exec` is in the figure. The reply
#     needs h2 to know the new container (its FDB and neighbour entries), so "answered at seq=0" means
#     they were in place before the container's first packet;
#   - daemon launch until the plugin socket answers (and until the store is connected).
#
# Usage (as root, from the repository root; builds the plugin if there is no build):
#   bench/e2e-bench.sh [--runs N] [--seconds S] [--scope global|local] [--out FILE]
# Defaults: 5 runs of each timing, 3 iperf3 runs of 5 s per path, the plugin in `--scope global`
# (Docker writes the network's endpoints to its cluster store, as it does for its own overlay).
# `--scope local` runs the plugin with its default scope instead: dockerd keeps the network in its
# local store, javaoverlay replicates it to h2, and only the plugin writes an endpoint to Consul. Prints a Markdown table; --out
# also writes it to FILE. All traffic stays inside the testbed's namespaces; every loop is bounded.
# The testbed's session lock (scripts/testbed up) makes other testbed users wait until this script's
# own `testbed down` at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
T="$root/scripts/testbed"
TB_ROOT=${TESTBED_ROOT:-/var/lib/javaoverlay-testbed}
runs=5 secs=5 iperf_runs=3 out="" scope=global
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --scope) scope=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--scope global|local] [--out FILE]" >&2; exit 2 ;;
  esac
done
((runs >= 1 && runs <= 50 && secs >= 1 && secs <= 60)) || { echo "runs 1..50, seconds 1..60" >&2; exit 2; }
[[ $scope == global || $scope == local ]] || { echo "--scope global or local" >&2; exit 2; }

logdir=$(mktemp -d /tmp/jo-e2e-bench.XXXXXX)
log() { echo "bench: $*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
up_ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }   # the clock containers can read too
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m}'; }
minmax() { sort -n | awk 'NR==1{mn=$1} {mx=$1} END {print mn "–" mx}'; }

plugin_pids=()
cleanup() {
  local p
  for p in "${plugin_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$T" down >/dev/null 2>&1 || true
  log "logs kept in $logdir"
}
trap cleanup EXIT

if ! ls "$root"/plugin-server/target/javaoverlay-plugin-server-*.jar >/dev/null 2>&1 || [[ ! -d "$root/plugin-server/target/lib" ]]; then
  log "building the plugin (mvn -B -q -o -pl plugin-server -am package -DskipTests)"
  mvn -B -q -o -pl plugin-server -am package -DskipTests >&2
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "testbed up 2 --docker 20 (+ Consul)"
"$T" up 2 --docker 20 >&2
D() { "$T" docker "$@"; }

# ---- daemon launch -> socket answers / store connected ------------------------------------------
sock() { echo "$TB_ROOT/$1/run/docker/plugins/javaoverlay.sock"; }
activate() { curl -s -m 1 --unix-socket "$(sock "$1")" -X POST http://plugin/Plugin.Activate 2>/dev/null | grep -q NetworkDriver; }
start_plugin() {  # host log -> sets ts/tr (ms to socket answer / ready); daemon keeps running (pid in plugin_pids)
  local h=$1 lf=$2 t0 i
  ts="" tr=""
  rm -f "$(sock "$h")"
  t0=$(now_ms)
  "$T" exec "$h" "$root/bin/javaoverlay" daemon --store "consul://198.18.0.1:8500" --scope "$scope" \
    --advertise-addr "198.18.0.1${h#h}" >"$lf" 2>&1 </dev/null &
  plugin_pids+=($!)
  for i in $(seq 1 1200); do   # <= 60 s
    [[ -z "$ts" ]] && activate "$h" && ts=$(( $(now_ms) - t0 ))
    [[ -z "$tr" ]] && grep -q 'Daemon: ready: serving' "$lf" && tr=$(( $(now_ms) - t0 ))
    [[ -n "$ts" && -n "$tr" ]] && break
    sleep 0.05
  done
  [[ -n "$ts" && -n "$tr" ]] || { log "daemon on $h not ready; log $lf"; tail -20 "$lf" >&2; exit 1; }
}
socket_ms=() ready_ms=() self_ms=()
for i in $(seq 1 "$runs"); do   # restart h1's daemon: a cold JVM each time (page cache warm)
  start_plugin h1 "$logdir/plugin-h1-$i.log"
  socket_ms+=("$ts"); ready_ms+=("$tr")
  self_ms+=("$(sed -n 's/.*answers Docker (\([0-9]*\) ms after launch).*/\1/p' "$logdir/plugin-h1-$i.log" | head -1)")
  if ((i < runs)); then
    kill "${plugin_pids[-1]}"; wait "${plugin_pids[-1]}" 2>/dev/null || true; unset 'plugin_pids[-1]'
  fi
done
h1_pid=${plugin_pids[-1]}
start_plugin h2 "$logdir/plugin-h2.log"
h2_pid=${plugin_pids[-1]}   # the launcher execs java: these are the JVMs
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, clock ticks

# ---- networks -----------------------------------------------------------------------------------
log "networks: javaoverlay (10.77.0.0/24) and Docker overlay (10.78.0.0/24, MTU 1350 like javaoverlay)"
# Dynamic addresses come from the lower half (--ip-range); the timing runs use fixed .201+ (--ip).
D h1 network create -d javaoverlay --ipam-driver javaoverlay --subnet 10.77.0.0/24 --ip-range 10.77.0.0/25 jo >/dev/null
# Docker's overlay defaults to 1450 inside (1500 - 50) whatever the underlay. Its driver.mtu option is
# the underlay MTU (20.10 subtracts the 50 bytes itself), so 1400 gives 1350 inside, like javaoverlay.
D h1 network create -d overlay -o com.docker.network.driver.mtu=1400 --subnet 10.78.0.0/24 --ip-range 10.78.0.0/25 ov >/dev/null
if [[ $scope == local ]]; then   # javaoverlay's replicator creates it on h2 (within about a second)
  for _ in $(seq 1 300); do D h2 network inspect jo >/dev/null 2>&1 && break; sleep 0.1; done
  D h2 network inspect jo >/dev/null || { log "network jo never reached h2"; exit 1; }
fi
mtu_jo=$(D h1 run --rm --net jo jo-test cat /sys/class/net/eth0/mtu)
mtu_ov=$(D h1 run --rm --net ov jo-test cat /sys/class/net/eth0/mtu)

# Long-lived servers on h2 and clients on h1/h2, one per network.
for n in jo ov; do
  D h2 run -d --name "srv-$n" --net "$n" jo-test iperf3 -s >/dev/null
  D h1 run -d --name "cli-$n" --net "$n" jo-test sleep 3600 >/dev/null
  D h2 run -d --name "png-$n" --net "$n" jo-test sleep 3600 >/dev/null
done
"$T" exec h2 iperf3 -s >"$logdir/iperf3-underlay.log" 2>&1 </dev/null &
plugin_pids+=($!)   # killed in cleanup too
ip_of() { D "$1" inspect -f "{{(index .NetworkSettings.Networks \"$3\").IPAddress}}" "$2"; }
srv_jo=$(ip_of h2 srv-jo jo); srv_ov=$(ip_of h2 srv-ov ov)

wait_ping() {  # host container target timeout_s -> 0 when a reply came
  local end=$(( $(date +%s) + $4 ))
  while (( $(date +%s) < end )); do
    D "$1" exec "$2" ping -c 1 -W 1 "$3" >/dev/null 2>&1 && return 0
  done
  return 1
}
wait_ping h1 cli-jo "$srv_jo" 30 || { log "javaoverlay path not working"; exit 1; }
wait_ping h1 cli-ov "$srv_ov" 30 || { log "overlay path not working"; exit 1; }
"$T" exec h1 ping -c 1 -W 2 198.18.0.12 >/dev/null

# ---- throughput and RTT -------------------------------------------------------------------------
iperf() {  # label cmd... -> Gbit/s per run, one per line
  local i
  for i in $(seq 1 "$iperf_runs"); do
    "$@" iperf3 -c "$target" -t "$secs" -J 2>/dev/null | jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100'
  done
}
log "iperf3: $iperf_runs x ${secs}s per path"
target=$srv_jo; tp_jo=$(iperf D h1 exec cli-jo)
target=$srv_ov; tp_ov=$(iperf D h1 exec cli-ov)
target=198.18.0.12; tp_ul=$(iperf "$T" exec h1)

rtt() {  # target cmd... -> "avg min max" in ms from 50 pings at 0.1 s
  local to=$1; shift
  "$@" ping -c 50 -i 0.1 -q "$to" 2>/dev/null | sed -n 's/.*= \([0-9.]*\)\/\([0-9.]*\)\/\([0-9.]*\).*/\2 \1 \3/p'
}
log "ping: 50 x 0.1 s per path"
rtt_jo=$(rtt "$srv_jo" D h1 exec cli-jo); rtt_ov=$(rtt "$srv_ov" D h1 exec cli-ov); rtt_ul=$(rtt 198.18.0.12 "$T" exec h1)

# ---- docker run -> running; start on h1 -> pingable from h2 -------------------------------------
# Alternating jo, ov, jo, ov, ... so that a change in the machine's load hits both networks alike.
log "container start timings: $runs runs per network, alternating"
declare -A run_ms reach_ms first_ms beyond_ms seq0
run_ms[jo]="" reach_ms[jo]="" run_ms[ov]="" reach_ms[ov]=""
first_ms[jo]="" first_ms[ov]="" beyond_ms[jo]="" beyond_ms[ov]="" seq0[jo]=0 seq0[ov]=0
png_jo=$(ip_of h2 png-jo jo); png_ov=$(ip_of h2 png-ov ov)
# The plugin's own time in the calls of a `docker run` (its request-duration histogram on h1's admin
# socket, read before and after the timing runs): what javaoverlay adds that Docker's overlay does in
# process. "sum count" per endpoint.
handler_totals() {
  "$T" exec h1 curl -s -m 5 --unix-socket /run/javaoverlay/admin.sock http://admin/metrics 2>/dev/null |
    awk -v ep="$1" '$0 ~ "^javaoverlay_plugin_request_duration_seconds_(sum|count)\\{endpoint=\"" ep "\"" {
      if ($1 ~ /_sum/) s = $2; else c = $2 } END { printf "%s %s\n", s + 0, c + 0 }'
}
handler_eps="IpamDriver.RequestAddress NetworkDriver.CreateEndpoint NetworkDriver.Join"
declare -A handler_before
for ep in $handler_eps; do handler_before[$ep]=$(handler_totals "$ep"); done
cpu0_h1=$(cpu_ticks "$h1_pid"); cpu0_h2=$(cpu_ticks "$h2_pid"); hz=$(getconf CLK_TCK)
for i in $(seq 1 "$runs"); do
  for n in jo ov; do
    base=$([[ $n == jo ]] && echo 10.77.0 || echo 10.78.0)
    ip="$base.$((200 + i))"
    # (a) docker run -d -> running; then h2 pings the new container through `docker exec` until it answers
    t0=$(now_ms)
    D h1 run -d --name "t-$n-$i" --net "$n" --ip "$ip" jo-test sleep 3600 >/dev/null
    t1=$(now_ms)
    [[ $(D h1 inspect -f '{{.State.Running}}' "t-$n-$i") == true ]] || { log "t-$n-$i not running"; exit 1; }
    wait_ping h2 "png-$n" "$ip" 60 || { log "h2 never reached t-$n-$i ($ip)"; exit 1; }
    t2=$(now_ms)
    run_ms[$n]+="$((t1 - t0)) "; reach_ms[$n]+="$((t2 - t0)) "
    D h1 rm -f "t-$n-$i" >/dev/null
    # (b) the new container pings png-$n on h2 from its first instruction; its log has the clock at the first reply
    # another address than (a)'s: h2's neighbour cache may still hold (a)'s container under its own
    target=$([[ $n == jo ]] && echo "$png_jo" || echo "$png_ov")
    u0=$(up_ms)
    D h1 run -d --name "f-$n-$i" --net "$n" --ip "$base.$((150 + i))" jo-test \
      sh -c "ping -i 0.01 -w 30 $target | head -n 2; cat /proc/uptime; exec sleep 3600" >/dev/null
    u1=$(up_ms)
    flog=""
    for _ in $(seq 1 350); do   # <= 35 s
      flog=$(D h1 logs "f-$n-$i" 2>/dev/null || true)
      [[ $(grep -c . <<<"$flog") -ge 3 ]] && break
      sleep 0.1
    done
    reply_line=$(grep 'bytes from' <<<"$flog" | head -1 || true)
    [[ -n "$reply_line" ]] || { log "f-$n-$i never got a reply from $target: $flog"; exit 1; }
    u2=$(tail -1 <<<"$flog" | awk '{printf "%d\n", $1 * 1000}')
    seq=$(sed -n 's/.*seq=\([0-9]*\).*/\1/p' <<<"$reply_line")
    [[ "$seq" == 0 ]] && seq0[$n]=$(( ${seq0[$n]} + 1 ))
    first_ms[$n]+="$((u2 - u0)) "; beyond_ms[$n]+="$((u2 - u1)) "
    D h1 rm -f "f-$n-$i" >/dev/null
  done
done

handler_ms=""   # "RequestAddress 3.1 ms, CreateEndpoint 3.4 ms, Join 3.9 ms (sum 10.4 ms, N calls each)"
hsum=0 hcalls=""
for ep in $handler_eps; do
  read -r s0 c0 <<<"${handler_before[$ep]}"; read -r s1 c1 <<<"$(handler_totals "$ep")"
  m=$(awk -v a="$s0" -v b="$s1" -v x="$c0" -v y="$c1" 'BEGIN { n = y - x; if (n > 0) printf "%.1f", (b - a) * 1000 / n; else print "n/a" }')
  handler_ms+="${ep#*.} $m, "; hcalls=$(awk -v x="$c0" -v y="$c1" 'BEGIN { print y - x }')
  hsum=$(awk -v a="$hsum" -v m="$m" 'BEGIN { printf "%.1f", a + m }')
done
handler_ms="${handler_ms%, } (sum $hsum; mean of $hcalls calls each)"
# The daemons' CPU (user + system) over the timing runs, per javaoverlay container started (and
# removed): its calls, and the reconcile passes the new endpoint causes on both hosts.
per_start() { awk -v a="$1" -v b="$2" -v hz="$hz" -v n="$((2 * runs))" 'BEGIN { printf "%.1f", (b - a) * 1000 / hz / n }'; }
cpu_h1=$(per_start "$cpu0_h1" "$(cpu_ticks "$h1_pid")"); cpu_h2=$(per_start "$cpu0_h2" "$(cpu_ticks "$h2_pid")")

# ---- report -------------------------------------------------------------------------------------
lines() { tr ' ' '\n' | grep -v '^$'; }
p99() { lines | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} i=int(NR*0.99+0.999); if (i<1) i=1; print a[i]}'; }
stat() { local v; v=$(lines); echo "$(median <<<"$v") (range $(minmax <<<"$v"))"; }
# Median of the per-run ratios jo/ov (run i of each network ran back to back): less moved by a load
# that changes during the run than the ratio of the two medians.
pairs() { paste -d' ' <(lines <<<"$1") <(lines <<<"$2") | awk '$2 > 0 {printf "%.3f\n", $1 / $2}' | median; }
tp() { local v; v=$(lines <<<"$1"); echo "$(median <<<"$v") (runs: $(echo $v))"; }
rt() { set -- $1; echo "${1:-n/a} (min ${2:-?}, max ${3:-?})"; }
report=$(cat <<EOF
| Measurement | javaoverlay (\`--scope $scope\`) | Docker overlay (20.10, Consul) | Underlay host → host |
|---|---|---|---|
| iperf3 TCP h1 → h2, Gbit/s, median of $iperf_runs × ${secs} s | $(tp "$tp_jo") | $(tp "$tp_ov") | $(tp "$tp_ul") |
| ping RTT h1 → h2, ms, avg of 50 | $(rt "$rtt_jo") | $(rt "$rtt_ov") | $(rt "$rtt_ul") |
| container MTU | $mtu_jo | $mtu_ov (-o com.docker.network.driver.mtu=1400) | 1400 |
| \`docker run -d\` → running, ms, median of $runs | $(stat <<<"${run_ms[jo]}") | $(stat <<<"${run_ms[ov]}") | – |
| the same, javaoverlay / Docker overlay: ratio of the medians; median of the $runs run-by-run ratios | $(awk -v a="$(median <<<"$(lines <<<"${run_ms[jo]}")")" -v b="$(median <<<"$(lines <<<"${run_ms[ov]}")")" 'BEGIN {printf "%.3f", a / b}'); $(pairs "${run_ms[jo]}" "${run_ms[ov]}") | – | – |
| the plugin's own time in a \`docker run\`'s calls, ms (its request-duration metric on h1) | $handler_ms | in process | – |
| the daemons' CPU per javaoverlay container started and removed, ms (h1 / h2; over the $((2 * runs)) of the timing runs, also while the Docker overlay's ran) | $cpu_h1 / $cpu_h2 | in dockerd | – |
| \`docker run -d\` on h1 → h2 pings it (\`docker exec\` loop), ms, median of $runs | $(stat <<<"${reach_ms[jo]}") | $(stat <<<"${reach_ms[ov]}") | – |
| \`docker run -d\` on h1 → the new container's first reply from h2, ms, median of $runs | $(stat <<<"${first_ms[jo]}") | $(stat <<<"${first_ms[ov]}") | – |
| the same, javaoverlay / Docker overlay: ratio of the medians; median of the run-by-run ratios | $(awk -v a="$(median <<<"$(lines <<<"${first_ms[jo]}")")" -v b="$(median <<<"$(lines <<<"${first_ms[ov]}")")" 'BEGIN {printf "%.3f", a / b}'); $(pairs "${first_ms[jo]}" "${first_ms[ov]}") | – | – |
| the same, after \`docker run -d\` returned, ms (10 ms clock; negative: before it returned) | $(stat <<<"${beyond_ms[jo]}"), p99 $(p99 <<<"${beyond_ms[jo]}") | $(stat <<<"${beyond_ms[ov]}"), p99 $(p99 <<<"${beyond_ms[ov]}") | – |
| runs whose very first packet (seq=0) was answered | ${seq0[jo]} of $runs | ${seq0[ov]} of $runs | – |
| daemon launch → socket answers Activate, ms, median of $runs | $(stat <<<"${socket_ms[*]}") (daemon's own log: $(stat <<<"${self_ms[*]}")) | built into dockerd | – |
| daemon launch → store connected, data plane up ("ready"), ms, median of $runs | $(stat <<<"${ready_ms[*]}") | – | – |

Load average (1/5/15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg).
Per run, in order (jo and ov alternate): docker run -d jo: ${run_ms[jo]}/ ov: ${run_ms[ov]}; h2 pings it jo: ${reach_ms[jo]}/ ov: ${reach_ms[ov]}; the new container's first reply from h2, after docker run returned, jo: ${beyond_ms[jo]}/ ov: ${beyond_ms[ov]}.
EOF
)
echo "$report"
[[ -z "$out" ]] || echo "$report" > "$out"
