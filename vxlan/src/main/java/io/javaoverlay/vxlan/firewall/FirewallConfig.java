package io.javaoverlay.vxlan.firewall;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link HostFirewall}. The daemon maps each to a flag with an environment variable;
 * suggested names are given per component.
 *
 * @param ingressFilter      program the VXLAN ingress filter (the nft table); false removes it.
 *                           Suggested flag {@code --vxlan-ingress-filter=true|false},
 *                           {@code JAVAOVERLAY_VXLAN_INGRESS_FILTER}. Default true.
 * @param vxlanPort          the UDP port the filter guards: the VXLAN devices' port (4789)
 * @param resyncInterval     how often {@link HostFirewall#start()} re-checks and restores everything
 *                           (default 30 s: a flushed rule is back within one period)
 * @param commandTimeout     the longest one {@code iptables}/{@code nft} call may take before it is
 *                           killed (default 10 s); keep it above {@code xtablesWaitSeconds}
 * @param xtablesWaitSeconds {@code iptables -w N}: how long iptables waits for the xtables lock held by
 *                           another program (Docker, firewalld) before giving up (default 5)
 */
public record FirewallConfig(boolean ingressFilter, int vxlanPort, Duration resyncInterval, Duration commandTimeout,
                             int xtablesWaitSeconds) {
    /** VXLAN's IANA port, the default of the VXLAN devices. */
    public static final int DEFAULT_VXLAN_PORT = 4789;

    public FirewallConfig {
        if (vxlanPort < 1 || vxlanPort > 65535) {
            throw new IllegalArgumentException("VXLAN UDP port " + vxlanPort + " out of range 1..65535");
        }
        Objects.requireNonNull(resyncInterval, "resyncInterval");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (resyncInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("firewall resync interval " + resyncInterval + " is below 1 s");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("firewall command timeout " + commandTimeout + " must be positive");
        }
        if (xtablesWaitSeconds < 1) {
            throw new IllegalArgumentException("iptables -w " + xtablesWaitSeconds
                    + ": the xtables lock wait must be at least 1 s (a bare -w would wait forever)");
        }
    }

    /** Filter on, port 4789, resync 30 s, commands killed after 10 s, {@code iptables -w 5}. */
    public static FirewallConfig defaults() {
        return new FirewallConfig(true, DEFAULT_VXLAN_PORT, Duration.ofSeconds(30), Duration.ofSeconds(10), 5);
    }

    /** This config with the ingress filter on or off. */
    public FirewallConfig withIngressFilter(boolean on) {
        return new FirewallConfig(on, vxlanPort, resyncInterval, commandTimeout, xtablesWaitSeconds);
    }

    /** This config guarding another VXLAN port. */
    public FirewallConfig withVxlanPort(int port) {
        return new FirewallConfig(ingressFilter, port, resyncInterval, commandTimeout, xtablesWaitSeconds);
    }

    /** This config with another resync interval. */
    public FirewallConfig withResyncInterval(Duration interval) {
        return new FirewallConfig(ingressFilter, vxlanPort, interval, commandTimeout, xtablesWaitSeconds);
    }

    /** This config with another per-command timeout. */
    public FirewallConfig withCommandTimeout(Duration timeout) {
        return new FirewallConfig(ingressFilter, vxlanPort, resyncInterval, timeout, xtablesWaitSeconds);
    }
}
