package io.javaoverlay.vxlan;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lets frames bridged inside javaoverlay's own bridges pass the host's iptables FORWARD chain.
 *
 * <p>Why: the bridges live in the host namespace next to dockerd. Docker loads {@code br_netfilter}
 * and sets {@code net.bridge.bridge-nf-call-iptables=1}, so every IPv4 frame bridged between a
 * container's veth and {@code jo-vx-<vni>} also traverses iptables FORWARD, whose policy Docker sets
 * to DROP. Without an ACCEPT rule, containers on a javaoverlay network cannot reach each other at
 * all (seen with real Docker 20.10 in {@code ClusterStoreE2EIT}). The bridge's own
 * {@code IFLA_BR_NF_CALL_IPTABLES=0} cannot help: the kernel ORs it with the namespace sysctl
 * ({@code br_nf_pre_routing}). Docker's bridge driver solves the same problem with
 * {@code -A FORWARD -i docker0 -o docker0 -j ACCEPT}, and Docker's overlay by keeping its bridge in a
 * separate namespace without rules.
 *
 * <p>The rule matches only owned bridge names ({@code jo-br-+}); in and out are the same bridge for
 * bridged frames, and the bridges carry no address, so nothing is routed between two networks. It is
 * installed once at start-up and left in place on shutdown, so containers keep working while the
 * daemon restarts. iptables has no netlink API that coexists with iptables-nft's rule format, so this
 * runs the {@code iptables} binary, as Docker, flannel and Weave do; it is the only command the daemon
 * runs. Must be called in the namespace the bridges live in (the daemon's own).
 *
 * <p>Superseded by {@link io.javaoverlay.vxlan.firewall.HostFirewall}, which keeps the IPv4 and IPv6
 * rules in place on every resync, bounds every call and adds the VXLAN ingress filter; this class goes
 * once the daemon wires that in.
 */
public final class BridgeForwardRule {
    private static final System.Logger LOG = System.getLogger(BridgeForwardRule.class.getName());

    /** The rule, in iptables syntax after the chain name. */
    public static final List<String> RULE = List.of("-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT");

    /** Runs one command and returns its exit status; throws when it cannot be run at all. */
    @FunctionalInterface
    public interface Runner {
        int run(List<String> command) throws IOException, InterruptedException;
    }

    private final Runner runner;

    /** Uses the given runner (tests pass a fake). */
    public BridgeForwardRule(Runner runner) {
        this.runner = runner;
    }

    /** Runs {@code iptables} from PATH, waiting at most 30 s per call. */
    public static BridgeForwardRule system() {
        return new BridgeForwardRule(BridgeForwardRule::exec);
    }

    /**
     * Ensures the rule is in FORWARD: checks first, inserts at the top only when missing.
     * Never throws: a host without iptables has no FORWARD policy to get past, so a failure is a
     * warning that names the consequence.
     * Equivalent to {@code iptables -w -C FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT ||
     * iptables -w -I FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT}.
     *
     * @return true when the rule is in place afterwards
     */
    public boolean ensure() {
        try {
            if (runner.run(command("-C")) == 0) {
                return true;
            }
            int rc = runner.run(command("-I"));
            if (rc == 0) {
                LOG.log(Level.INFO, "iptables: inserted FORWARD " + String.join(" ", RULE)
                        + " (bridged traffic of javaoverlay networks passes Docker's FORWARD DROP policy)");
                return true;
            }
            LOG.log(Level.WARNING, "iptables -I FORWARD " + String.join(" ", RULE) + " exited with " + rc
                    + "; if the host filters bridged traffic, containers on javaoverlay networks cannot reach each other");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot run iptables (" + e.getMessage() + "); if the host filters bridged "
                    + "traffic, containers on javaoverlay networks cannot reach each other");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    static List<String> command(String op) {
        List<String> c = new ArrayList<>(List.of("iptables", "-w", op, "FORWARD"));
        c.addAll(RULE);
        return c;
    }

    private static int exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        if (p.exitValue() != 0 && !command.contains("-C")) {
            LOG.log(Level.DEBUG, String.join(" ", command) + ": " + new String(out, StandardCharsets.UTF_8).strip());
        }
        return p.exitValue();
    }
}
