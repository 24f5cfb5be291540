package io.javaoverlay.vxlan.firewall;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The FORWARD accept rules for javaoverlay's bridges, {@code -i jo-br-+ -o jo-br-+ -j ACCEPT}, in
 * {@code iptables} and {@code ip6tables}: checked with {@code -C} on every call and inserted at the top
 * with {@code -I} when missing.
 *
 * <p>Why they exist: the bridges live in the host namespace next to dockerd, which loads
 * {@code br_netfilter}; with {@code net.bridge.bridge-nf-call-iptables=1} (and {@code -ip6tables})
 * every frame bridged between a container's veth and {@code jo-vx-<vni>} traverses FORWARD, whose
 * policy Docker sets to DROP (ip6tables too when Docker's ip6tables support is on, the default since
 * Docker 27). The bridge's own {@code IFLA_BR_NF_CALL_IPTABLES=0} cannot help: the kernel ORs it with
 * the namespace sysctl. Docker's bridge driver uses the same rule for {@code docker0}. The rule matches
 * only javaoverlay's bridge names; bridged frames enter and leave the same bridge, and the bridges
 * carry no address, so nothing is routed between two networks. The rules are left in place on
 * shutdown, so containers keep working while the daemon restarts.
 *
 * <p>Runs whichever {@code iptables} the host selects (iptables-nft or iptables-legacy through
 * Debian's alternatives), which is the one Docker uses. {@code -w N} bounds the wait for the xtables
 * lock (a bare {@code -w} waits forever); the runner bounds the whole call.
 */
final class ForwardRules {
    private static final System.Logger LOG = System.getLogger(ForwardRules.class.getName());

    /** The rule, in iptables syntax after the chain name. */
    static final List<String> RULE = List.of("-i", "jo-br-+", "-o", "jo-br-+", "-j", "ACCEPT");

    /** One address family: its program and what a missing rule breaks. */
    enum Family {
        IPV4("iptables", "bridge-nf-call-iptables", "every frame bridged between containers on javaoverlay networks"),
        IPV6("ip6tables", "bridge-nf-call-ip6tables",
                "IPv6 bridged between containers on javaoverlay networks (where the ip6tables FORWARD policy is DROP)");

        final String program;
        final String sysctl;
        final String dropped;

        Family(String program, String sysctl, String dropped) {
            this.program = program;
            this.sysctl = sysctl;
            this.dropped = dropped;
        }
    }

    private final CommandRunner runner;
    private final FirewallConfig config;
    private final Map<Family, ChangeLog> logs = new EnumMap<>(Family.class);
    /** Per family: the rule was in place at least once since start, so a missing rule was removed from outside. */
    private final Map<Family, Boolean> seen = new EnumMap<>(Family.class);

    ForwardRules(CommandRunner runner, FirewallConfig config) {
        this.runner = runner;
        this.config = config;
        for (Family f : Family.values()) {
            logs.put(f, new ChangeLog(LOG));
            seen.put(f, false);
        }
    }

    /** The command for {@code op} ({@code -C} or {@code -I}), e.g. {@code iptables -w 5 -C FORWARD -i jo-br-+ ...}. */
    List<String> command(Family f, String op) {
        List<String> c = new ArrayList<>(List.of(f.program, "-w", String.valueOf(config.xtablesWaitSeconds()), op, "FORWARD"));
        c.addAll(RULE);
        return c;
    }

    /**
     * Checks the rule of {@code f} and inserts it when missing. Never throws; a failure is logged once
     * per distinct cause and retried on the next call.
     * Equivalent to {@code iptables -w 5 -C FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT ||
     * iptables -w 5 -I FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT}.
     */
    synchronized Outcome ensure(Family f) {
        ChangeLog log = logs.get(f);
        String rule = f.program + " FORWARD " + String.join(" ", RULE);
        String consequence = "; without it, Docker's FORWARD DROP policy (" + f.sysctl + "=1) drops " + f.dropped;
        try {
            CommandRunner.Result check = runner.run(command(f, "-C"), Optional.empty(), config.commandTimeout());
            if (check.exitCode() == 0) {
                seen.put(f, true);
                log.log("in-place", Level.INFO, rule + " is in place");
                return Outcome.IN_PLACE;
            }
            if (check.exitCode() != 1) {
                // 1 is "no such rule"; anything else (2 parameter problem, 3 kernel/table, 4 lock) is an error.
                return failed(f, "-C exited " + check.exitCode() + ": " + check.firstLine(), rule, consequence);
            }
            CommandRunner.Result insert = runner.run(command(f, "-I"), Optional.empty(), config.commandTimeout());
            if (!insert.ok()) {
                return failed(f, "-I exited " + insert.exitCode() + ": " + insert.firstLine(), rule, consequence);
            }
            boolean restored = seen.put(f, true);
            if (restored) {
                log.log("restored", Level.WARNING, "restored " + rule + ": it had been removed from outside "
                        + "(a firewall reload, iptables -F FORWARD or nft flush ruleset)" + consequence);
            } else {
                log.log("installed", Level.INFO, "inserted " + rule + consequence);
            }
            log.quiet("in-place");
            return restored ? Outcome.RESTORED : Outcome.INSTALLED;
        } catch (CommandNotFoundException e) {
            log.log("not-found", Level.WARNING, e.getMessage() + ": cannot keep " + rule + " in place (Debian package "
                    + "iptables)" + consequence + ". Hosts without " + f.program + " usually do not filter bridged traffic.");
            return Outcome.UNAVAILABLE;
        } catch (IOException e) {
            return failed(f, e.getMessage(), rule, consequence);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    private Outcome failed(Family f, String cause, String rule, String consequence) {
        String hint = f == Family.IPV6 ? " (expected on a host with IPv6 disabled in the kernel, where nothing IPv6 is bridged)" : "";
        logs.get(f).log("failed:" + cause, Level.WARNING, "cannot keep " + rule + " in place: " + cause + hint
                + consequence + ". Retrying every " + config.resyncInterval().toSeconds() + " s.");
        return Outcome.FAILED;
    }
}
