/**
 * The host firewall state javaoverlay programs and keeps in place ({@link io.javaoverlay.vxlan.firewall.HostFirewall}).
 *
 * <h2>What is programmed</h2>
 * <ul>
 *   <li>{@code iptables} and {@code ip6tables}: {@code FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT}, so frames
 *       bridged inside javaoverlay's bridges pass Docker's FORWARD DROP policy (br_netfilter); see
 *       {@code ForwardRules}.</li>
 *   <li>nftables: {@code table inet javaoverlay} with sets {@code vteps4} ({@code ipv4_addr}) and
 *       {@code vteps6} ({@code ipv6_addr}), named counters {@code rogue4}/{@code rogue6}, and one base chain
 *       {@code input} ({@code type filter hook input priority filter - 10; policy accept}) with one rule
 *       per family: {@code udp dport 4789 ip saddr != @vteps4 counter name rogue4 drop} (and {@code ip6}).
 *       One rule whatever the cluster size; the set lookup is a hash lookup.</li>
 * </ul>
 * Everything is checked on every resync and restored when missing or changed. Nothing is removed when
 * the daemon stops, so running containers stay reachable, and protected, during a restart.
 *
 * <h2>Why the input hook, and priority filter - 10</h2>
 * VXLAN reaches javaoverlay's devices through the kernel's VXLAN UDP socket, i.e. as locally delivered
 * datagrams: exactly what the input hook sees, after reassembly and routing. The inner frames then enter
 * the bridge, which the input hook never sees, so the filter costs nothing on the container-to-container
 * path beyond one set lookup per received VXLAN datagram. In netfilter, every base chain registered on a
 * hook gives its verdict in priority order; {@code drop} is final, while {@code accept} only ends that one
 * chain. Our chain's policy is accept, so it can only take packets away: it never opens what the host
 * firewall (firewalld, ufw, Docker's or the administrator's iptables rules) closes, and no accept
 * elsewhere, such as a ufw {@code allow 4789/udp}, lets a rogue datagram around it. The priority therefore
 * changes no verdict; -10 places the chain before the usual filter-priority chains (iptables INPUT at 0,
 * firewalld, ufw), so a rogue datagram costs one rule and never walks the longer host rulesets.
 * Prerouting was rejected: it also sees traffic the host only forwards, so it would need a
 * {@code fib daddr type local} lookup on every datagram to port 4789; all it would save is the conntrack
 * entry of a rogue datagram, which any unsolicited UDP to the host already costs.
 *
 * <h2>Forwarded traffic</h2>
 * Not filtered. VXLAN the host merely routes (the host as a router, or containers on this host running
 * their own VXLAN, e.g. kind, Docker-in-Docker or flannel in a container, whose UDP 4789 crosses the
 * host's forward path) does not reach javaoverlay's sockets, so it is not ours to police.
 *
 * <h2>Coexistence with Docker's iptables rules</h2>
 * The table is javaoverlay's own: iptables-nft keeps its rules in the tables {@code ip filter},
 * {@code ip6 filter}, {@code ip nat} and so on, iptables-legacy in xtables, and neither Docker's restarts
 * nor {@code iptables -F} touch another table. iptables-legacy hooks and nf_tables base chains register
 * on the same netfilter hooks and all run, in priority order, so the drop works under both backends (the
 * privileged test checks it against an {@code ACCEPT} for UDP 4789 in both). Only {@code nft flush ruleset}
 * (e.g. a reload of nftables.service, whose /etc/nftables.conf starts with it, or firewalld starting)
 * removes the table, together with iptables-nft's rules; the next resync restores both. Until then the
 * filter fails open, which is acceptable for a hardening layer behind the host firewall.
 *
 * <h2>Why nftables rather than ipset + iptables</h2>
 * <ul>
 *   <li>Atomicity: one {@code nft -f -} commits table, chain, rules and set contents as one transaction;
 *       packets see the old state or the new, never an empty set. With ipset, an atomic refill is
 *       {@code create tmp; add...; swap; destroy}, plus separate iptables and ip6tables calls for the rules,
 *       with partial states in between and two subsystems to repair.</li>
 *   <li>Isolation: a rule in the shared INPUT chain depends on its position (an earlier ACCEPT for UDP 4789
 *       would bypass it) and is flushed with the chain; an own table and base chain are neither.</li>
 *   <li>One table serves IPv4 and IPv6 ({@code inet}); ipset needs one set per family and both iptables
 *       programs. nf_tables is what iptables-nft, Debian's default since 11, already uses; ipset needs the
 *       {@code ipset} package and CONFIG_IP_SET.</li>
 *   <li>Cost: the {@code nft} program (Debian package {@code nftables}), which is not installed with
 *       iptables. Programming nf_tables directly over netlink was rejected: the expression bytecode would
 *       be a large new codec for three rules, and running the firewall tools, bounded, is accepted practice
 *       (Docker, flannel and Weave do).</li>
 * </ul>
 *
 * <h2>When no VTEP is known, or the list is empty</h2>
 * An empty allowed set would drop every peer's VXLAN, so an empty set is never programmed:
 * <ul>
 *   <li>Before the caller's first non-empty list, the filter is not installed on a host where the table is
 *       absent (fresh boot); one INFO line says VXLAN is accepted from anyone until then. Where the table
 *       exists (the daemon restarted), it is left as the previous run programmed it, so the restart does
 *       not open a window.</li>
 *   <li>An empty list after a non-empty one is ignored with a warning and the previous set stays: every
 *       daemon registers its own host, so an empty list means the store lost its data or is read under a
 *       wrong prefix (absence is not deletion), not that every host left.</li>
 *   <li>Turned off by the operator ({@link io.javaoverlay.vxlan.firewall.FirewallConfig#ingressFilter()}
 *       false): the table is deleted if present and not recreated.</li>
 * </ul>
 *
 * <h2>Bounded commands</h2>
 * Every command has a deadline ({@link io.javaoverlay.vxlan.firewall.FirewallConfig#commandTimeout()}) after
 * which {@link io.javaoverlay.vxlan.firewall.ProcessCommandRunner} kills it; output goes to files, so a
 * child can never block on a full pipe; {@code iptables -w N} gives up on a held xtables lock. A missing
 * program or a kernel without the feature (IPv6 disabled) is logged once, not on every resync.
 */
package io.javaoverlay.vxlan.firewall;
