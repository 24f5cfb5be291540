package io.javaoverlay.vxlan.bench;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.firewall.FirewallConfig;
import io.javaoverlay.vxlan.firewall.HostFirewall;
import io.javaoverlay.vxlan.firewall.Outcome;
import io.javaoverlay.vxlan.testing.NetnsRunner;
import io.javaoverlay.vxlan.testing.VtepLab;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.javaoverlay.vxlan.testing.ItSupport.sh;

/**
 * Cost of the VXLAN ingress filter on throughput: TCP container A → container B across the IPv4
 * VXLAN of {@link VtepLab} (iperf3, 5 s per round), with the filter programmed on both hosts and
 * without it, alternating (off, on, off, on, ...) so that drift of a shared machine hits both equally.
 * Needs root, iproute2, nft, python3, iperf3. Run: {@code vxlan/bench/run.sh ingress [ROUNDS]}.
 */
public final class IngressFilterBenchmark {
    private IngressFilterBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("kernel " + sh("uname", "-r").trim() + "; " + sh("nft", "-v").trim());
        try (VtepLab lab = new VtepLab()) {
            Set<IpAddress> vteps = Set.of(IpAddress.parse(VtepLab.vtep4(1)), IpAddress.parse(VtepLab.vtep4(2)));
            HostFirewall onA = new HostFirewall(FirewallConfig.defaults(), new NetnsRunner(lab.hostA));
            HostFirewall onB = new HostFirewall(FirewallConfig.defaults(), new NetnsRunner(lab.hostB));
            HostFirewall offA = new HostFirewall(FirewallConfig.defaults().withIngressFilter(false), new NetnsRunner(lab.hostA));
            HostFirewall offB = new HostFirewall(FirewallConfig.defaults().withIngressFilter(false), new NetnsRunner(lab.hostB));
            lab.spawn(lab.containerB, "iperf3", "-s");
            iperf(lab);   // warm-up: ARP, FDB learning, server up
            List<Double> off = new ArrayList<>();
            List<Double> on = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                check(offA.ensure().ingress() == Outcome.OFF && offB.ensure().ingress() == Outcome.OFF, "filter removed");
                double g = iperf(lab);
                off.add(g);
                System.out.printf("round %d  filter off: %.2f Gbit/s%n", r + 1, g);
                check(onA.allowVteps(vteps) != Outcome.FAILED && onB.allowVteps(vteps) != Outcome.FAILED, "filter programmed");
                check(onA.ensure().ingress() == Outcome.IN_PLACE, "filter in place");
                g = iperf(lab);
                on.add(g);
                System.out.printf("round %d  filter on:  %.2f Gbit/s (rogue4 drops on A: %s)%n", r + 1, g,
                        sh("ip", "netns", "exec", lab.hostA, "nft", "list", "counter", "inet", "javaoverlay", "rogue4")
                                .replaceAll("(?s).*packets (\\d+).*", "$1"));
            }
            double mOff = off.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double mOn = on.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            System.out.printf("mean off %.2f Gbit/s, on %.2f Gbit/s, on/off = %.3f%n", mOff, mOn, mOn / mOff);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark setup failed: " + what);
        }
    }

    /** One 5 s iperf3 run A → B; retried while the server is not up yet (iperf3 -J exits 0 on a refusal). */
    private static double iperf(VtepLab lab) throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            String out = sh("ip", "netns", "exec", lab.containerA, "iperf3", "-c", VtepLab.IP_B, "-t", "5", "-J");
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(out);
            if (m.find()) {
                return Double.parseDouble(m.group(1)) / 1e9;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("iperf3 gave no result");
    }
}
