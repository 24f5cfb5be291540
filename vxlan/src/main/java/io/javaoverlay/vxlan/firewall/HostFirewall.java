package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.types.IpAddress;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The host firewall state javaoverlay needs, kept in place: the FORWARD accept rules for its bridges
 * (IPv4 and IPv6) and the VXLAN ingress filter ({@code table inet javaoverlay}). See the package
 * design note for what is programmed and why.
 *
 * <p>Level-triggered: {@link #ensure()} checks everything and restores what is missing, so a firewall
 * reload, {@code iptables -F FORWARD} or {@code nft flush ruleset} is repaired by the next call.
 * {@link #start()} runs it on a background thread at once and then every
 * {@link FirewallConfig#resyncInterval()}, so start-up never waits for a firewall command. Every
 * command is bounded by {@link FirewallConfig#commandTimeout()} (the runner kills it after that).
 * Nothing is removed on {@link #close()}: containers keep working while the daemon restarts.
 *
 * <p>Must run in the namespace the bridges and the VXLAN sockets live in (the daemon's own).
 */
public final class HostFirewall implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HostFirewall.class.getName());

    private final FirewallConfig config;
    private final ForwardRules forward;
    private final IngressFilter ingress;
    private ScheduledExecutorService resync;

    /** A firewall that runs its commands through {@code runner} (tests pass a fake or a namespaced one). */
    public HostFirewall(FirewallConfig config, CommandRunner runner) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(runner, "runner");
        this.forward = new ForwardRules(runner, config);
        this.ingress = new IngressFilter(runner, config);
    }

    /** A firewall that runs {@code iptables}, {@code ip6tables} and {@code nft} from the host. */
    public static HostFirewall system(FirewallConfig config) {
        return new HostFirewall(config, new ProcessCommandRunner());
    }

    /** The settings in force. */
    public FirewallConfig config() {
        return config;
    }

    /**
     * What one {@link #ensure()} did.
     *
     * @param forward4 the IPv4 FORWARD accept rule
     * @param forward6 the IPv6 FORWARD accept rule
     * @param ingress  the VXLAN ingress filter
     */
    public record Status(Outcome forward4, Outcome forward6, Outcome ingress) {}

    /**
     * Checks every rule and restores what is missing. Never throws; failures are logged once per cause
     * and retried on the next call. Takes at most a few command timeouts (five commands in the worst case).
     * Equivalent to {@code iptables -w 5 -C FORWARD -i jo-br-+ -o jo-br-+ -j ACCEPT || iptables -w 5 -I ...},
     * the same with {@code ip6tables}, and {@code nft -j list table inet javaoverlay}, followed by
     * {@code nft -f -} when the table differs from the allowed VTEPs.
     */
    public Status ensure() {
        Outcome v4 = forward.ensure(ForwardRules.Family.IPV4);
        Outcome v6 = forward.ensure(ForwardRules.Family.IPV6);
        return new Status(v4, v6, ingress.ensure());
    }

    /**
     * Sets the VTEPs of the registered hosts, the only sources VXLAN is accepted from, and programs
     * them now in one nft transaction (the set is replaced atomically, never empty in between).
     * The daemon calls it with every host it knows (its own included) whenever a host joins, leaves
     * or dies. An empty set is ignored and keeps the previous one; until the first non-empty set the
     * filter is not installed (see the package design note). Blocks for at most a few command
     * timeouts; never throws.
     *
     * @return what was done; {@link Outcome#OFF} when the filter is turned off
     */
    public Outcome allowVteps(Set<IpAddress> vteps) {
        return ingress.allow(Objects.requireNonNull(vteps, "vteps"));
    }

    /**
     * The VTEPs the kernel's filter table allows now (empty when it is missing, unreadable or the filter
     * is off): what an earlier daemon allowed, for a restarted one to keep until it knows better.
     */
    public Set<IpAddress> installedVteps() {
        return config.ingressFilter() ? ingress.installed() : Set.of();
    }

    /**
     * Runs {@link #ensure()} on a background thread now and then every resync interval; returns at
     * once. Calling it twice is a no-op.
     */
    public synchronized void start() {
        if (resync != null) {
            return;
        }
        resync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-firewall");
            t.setDaemon(true);
            return t;
        });
        resync.scheduleWithFixedDelay(this::ensureQuietly, 0, config.resyncInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ensureQuietly() {
        try {
            ensure();
        } catch (RuntimeException e) {
            // A bug must not end the periodic repair: scheduleWithFixedDelay stops after an exception.
            LOG.log(Level.ERROR, "firewall resync failed; retrying at the next one", e);
        }
    }

    /** Stops the periodic resync; leaves every rule in place. */
    @Override
    public synchronized void close() {
        if (resync != null) {
            resync.shutdownNow();
            resync = null;
        }
    }
}
