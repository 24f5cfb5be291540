package io.javaoverlay.vxlan.bench;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.reconcile.Action;
import io.javaoverlay.vxlan.reconcile.ActualNetwork;
import io.javaoverlay.vxlan.reconcile.DesiredNetwork;
import io.javaoverlay.vxlan.reconcile.Planner;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How long the pure planner takes for a network with N remote endpoints, against an empty kernel
 * (first pass: everything planned) and a converged one (steady state: nothing planned).
 * Run: {@code vxlan/bench/run.sh planner}.
 */
public final class PlannerBenchmark {
    private PlannerBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.println("| peers | first pass (actions) | plan time first pass | plan time converged |");
        System.out.println("|---:|---:|---:|---:|");
        for (int n : new int[]{100, 1_000, 10_000}) {
            DesiredNetwork d = desired(n);
            ActualNetwork converged = converged(d);
            List<Action> first = Planner.plan("bench", Optional.of(d), portOnly());
            if (!Planner.plan("bench", Optional.of(d), converged).isEmpty()) {
                throw new IllegalStateException("converged state should plan nothing");
            }
            double tFirst = medianMicros(() -> Planner.plan("bench", Optional.of(d), portOnly()));
            double tConv = medianMicros(() -> Planner.plan("bench", Optional.of(d), converged));
            System.out.printf("| %d | %d | %.0f µs | %.0f µs |%n", n, first.size(), tFirst, tConv);
        }
    }

    private static double medianMicros(Runnable r) {
        for (int i = 0; i < 30; i++) {
            r.run();
        }
        long[] t = new long[31];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return t[t.length / 2] / 1000.0;
    }

    static DesiredNetwork desired(int n) throws UnknownHostException {
        List<DesiredNetwork.Peer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] ip = {10, 20, (byte) (i >> 8), (byte) i};
            MacAddress mac = MacAddress.of(new byte[]{2, 0x42, 10, 20, (byte) (i >> 8), (byte) i});
            IpAddress vtep = IpAddress.ofBytes(new byte[]{(byte) 198, 18, 1, (byte) (i % 250 + 2)});
            peers.add(new DesiredNetwork.Peer("e" + i, mac, vtep, List.of(IpAddress.ofBytes(ip))));
        }
        return new DesiredNetwork("bench", 42, 1350, IpAddress.parse("198.18.1.1"), 4789, 2, peers, n + 1);
    }

    /** The local port of a first pass (the devices and tables do not exist yet). */
    static Link port(int master) {
        return new Veth(new LinkAttrs(102, "jo-h-local", 1350, Optional.empty(), master, true, true,
                Optional.of("javaoverlay:bench/local")), "", Optional.empty(), 0);
    }

    static ActualNetwork portOnly() {
        return new ActualNetwork(List.of(port(0)), List.of(), List.of());
    }

    static ActualNetwork converged(DesiredNetwork d) {
        String alias = "javaoverlay:bench";
        Link br = new Bridge(new LinkAttrs(100, d.bridgeName(), 1350, Optional.empty(), 0, true, true, Optional.of(alias)));
        Link vx = Vxlan.builder(new LinkAttrs(101, d.vxlanName(), 1350, Optional.empty(), 100, true, true, Optional.of(alias)), 42)
                .local(d.vtep()).learning(false).proxy(true).underlayIndex(2).build();
        List<FdbEntry> fdb = new ArrayList<>();
        List<Neighbor> neigh = new ArrayList<>();
        for (DesiredNetwork.Peer p : d.peers()) {
            fdb.add(FdbEntry.toVtep(101, p.mac(), p.vtep()));
            fdb.add(new FdbEntry(101, p.mac(), Optional.empty(), Neighbor.NUD_NOARP, 0, 0, 100));
            p.ips().forEach(ip -> neigh.add(Neighbor.permanent(101, ip, p.mac())));
        }
        return new ActualNetwork(List.of(br, vx, port(100)), fdb, neigh, Optional.of(false));
    }
}
