package io.javaoverlay.vxlan.firewall;

import io.javaoverlay.types.IpAddress;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Keeps {@code table inet javaoverlay} (see {@link NftRuleset}) equal to the allowed VTEPs: reads the
 * table, and when anything differs (or it is gone) commits the whole table again in one transaction.
 * The policy for "no VTEP known yet", an empty list and the filter turned off is in the package
 * design note. All methods are serialised; each call runs at most three bounded commands.
 */
final class IngressFilter {
    private static final System.Logger LOG = System.getLogger(IngressFilter.class.getName());

    private final CommandRunner runner;
    private final FirewallConfig config;
    private final ChangeLog log = new ChangeLog(LOG);
    /** The allowed VTEPs; empty until the caller gives the first non-empty list. */
    private Optional<Set<IpAddress>> desired = Optional.empty();
    /** What this process committed last, or null before its first commit. */
    private Set<IpAddress> committed;

    IngressFilter(CommandRunner runner, FirewallConfig config) {
        this.runner = runner;
        this.config = config;
    }

    /** Replaces the allowed set and programs it; an empty set keeps the previous one (see design note). */
    synchronized Outcome allow(Set<IpAddress> vteps) {
        Set<IpAddress> want = Set.copyOf(vteps);
        if (want.isEmpty()) {
            if (desired.isPresent()) {
                LOG.log(Level.WARNING, "ignoring an empty list of registered hosts: keeping the " + desired.get().size()
                        + " VTEPs allowed so far. Every daemon registers its own host, so an empty list means the "
                        + "store lost its data or is read under a wrong prefix, not that every host left.");
            } else {
                LOG.log(Level.DEBUG, "allowed VTEPs: still none known; the ingress filter stays as it is");
            }
            return ensure();
        }
        desired = Optional.of(want);
        return ensure();
    }

    /**
     * The VTEPs the kernel's table allows right now (both sets), empty when the table is missing or
     * unreadable. A restarted daemon reads what its predecessor allowed. Never throws.
     */
    synchronized Set<IpAddress> installed() {
        try {
            CommandRunner.Result read = run(NftRuleset.listCommand(), Optional.empty());
            NftRuleset.State state = read.ok() ? parseOrNull(read.stdout()) : null;
            if (state == null) {
                return Set.of();
            }
            Set<IpAddress> all = new java.util.HashSet<>();
            state.vteps4().ifPresent(all::addAll);
            state.vteps6().ifPresent(all::addAll);
            return Set.copyOf(all);
        } catch (IOException e) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    /** Checks and, when needed, restores the table; never throws. */
    synchronized Outcome ensure() {
        try {
            if (!config.ingressFilter()) {
                return ensureOff();
            }
            if (desired.isEmpty()) {
                return waitForVteps();
            }
            return ensureOn(desired.get());
        } catch (CommandNotFoundException e) {
            if (!config.ingressFilter()) {
                return Outcome.OFF;
            }
            log.log("not-found", Level.WARNING, e.getMessage() + ": the VXLAN ingress filter is OFF, so any machine "
                    + "that can send UDP " + config.vxlanPort() + " to this host can inject frames into javaoverlay "
                    + "networks. Install the Debian package nftables, or turn the filter off to silence this warning.");
            return Outcome.UNAVAILABLE;
        } catch (IOException e) {
            log.log("failed:" + e.getMessage(), Level.WARNING, "VXLAN ingress filter: " + e.getMessage()
                    + "; retrying every " + config.resyncInterval().toSeconds() + " s");
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    private Outcome ensureOn(Set<IpAddress> want) throws IOException, InterruptedException {
        CommandRunner.Result read = run(NftRuleset.listCommand(), Optional.empty());
        NftRuleset.State state = read.ok() ? parseOrNull(read.stdout()) : null;
        if (state != null && state.matches(config.vxlanPort(), want)) {
            log.log("in-place", Level.INFO, "VXLAN ingress filter in place: UDP " + config.vxlanPort()
                    + " accepted only from " + describe(want));
            committed = want;
            return Outcome.IN_PLACE;
        }
        String what = state != null ? String.join("; ", state.differences(config.vxlanPort(), want))
                : read.ok() ? "table " + NftRuleset.QUALIFIED + " could not be read"
                : "table " + NftRuleset.QUALIFIED + " was missing (" + read.firstLine() + ")";
        // Our last commit intact and only the wanted set changed: the caller's update, not outside damage.
        boolean update = committed != null && state != null && state.matches(config.vxlanPort(), committed);
        Optional<String> failure = commit(want);
        if (failure.isPresent()) {
            log.log("failed:" + failure.get(), Level.WARNING, "cannot program the VXLAN ingress filter (" + what + "): "
                    + failure.get() + ". VXLAN from hosts outside the cluster is not blocked; retrying every "
                    + config.resyncInterval().toSeconds() + " s.");
            return Outcome.FAILED;
        }
        Outcome outcome;
        if (committed == null) {
            log.log("installed", Level.INFO, "VXLAN ingress filter on (" + NftRuleset.QUALIFIED + "): UDP "
                    + config.vxlanPort() + " accepted only from " + describe(want) + "; datagrams from other sources "
                    + "are dropped and counted in counters rogue4/rogue6");
            outcome = Outcome.INSTALLED;
        } else if (update) {
            log.log("update:" + want, Level.INFO, "VXLAN ingress filter: allowed VTEPs now " + want.size() + " ("
                    + NftRuleset.change(committed, want) + ")");
            outcome = Outcome.INSTALLED;
        } else {
            log.log("restored:" + what, Level.WARNING, "restored the VXLAN ingress filter: " + what + ". It was changed "
                    + "from outside (nft flush ruleset, a firewall reload or a manual edit); until now VXLAN from hosts "
                    + "outside the cluster may have been accepted.");
            outcome = Outcome.RESTORED;
        }
        log.quiet("in-place");
        committed = want;
        return outcome;
    }

    /** Commits the table; when the incremental script is refused, rebuilds the table. Returns the error if any. */
    private Optional<String> commit(Set<IpAddress> want) throws IOException, InterruptedException {
        CommandRunner.Result r = run(NftRuleset.applyCommand(),
                Optional.of(NftRuleset.script(config.vxlanPort(), want, false)));
        if (r.ok()) {
            return Optional.empty();
        }
        // "add" cannot change a chain's priority or a set's type; a rebuild in one transaction can.
        LOG.log(Level.DEBUG, "nft refused the update (" + r.firstLine() + "); rebuilding the table");
        CommandRunner.Result rebuild = run(NftRuleset.applyCommand(),
                Optional.of(NftRuleset.script(config.vxlanPort(), want, true)));
        return rebuild.ok() ? Optional.empty() : Optional.of("nft -f - exited " + rebuild.exitCode() + ": " + rebuild.firstLine());
    }

    private Outcome waitForVteps() throws IOException, InterruptedException {
        CommandRunner.Result read = run(NftRuleset.listCommand(), Optional.empty());
        NftRuleset.State state = read.ok() ? parseOrNull(read.stdout()) : null;
        if (state != null) {
            // Left by the previous run (the table outlives the daemon): it protects better than nothing.
            log.log("kept", Level.INFO, "VXLAN ingress filter: keeping " + NftRuleset.QUALIFIED + " from before this "
                    + "start (" + describe(state.allVteps()) + ") until the registered hosts are known");
            return Outcome.IN_PLACE;
        }
        log.log("waiting", Level.INFO, "VXLAN ingress filter waits for the list of registered hosts; until then UDP "
                + config.vxlanPort() + " is accepted from any source");
        return Outcome.OFF;
    }

    private Outcome ensureOff() throws IOException, InterruptedException {
        CommandRunner.Result tables = run(List.of("nft", "-j", "list", "tables", NftRuleset.FAMILY), Optional.empty());
        if (!tables.ok() || !tables.stdout().contains("\"" + NftRuleset.TABLE + "\"")) {
            log.log("off", Level.INFO, "VXLAN ingress filter is turned off: UDP " + config.vxlanPort()
                    + " is accepted from any source that the host firewall lets through");
            return Outcome.OFF;
        }
        CommandRunner.Result del = run(NftRuleset.deleteCommand(), Optional.empty());
        if (del.ok()) {
            log.log("off", Level.INFO, "VXLAN ingress filter is turned off: deleted " + NftRuleset.QUALIFIED);
            return Outcome.OFF;
        }
        log.log("failed:" + del.firstLine(), Level.WARNING, "the VXLAN ingress filter is turned off but "
                + NftRuleset.QUALIFIED + " could not be deleted: " + del.firstLine());
        return Outcome.FAILED;
    }

    private CommandRunner.Result run(List<String> command, Optional<String> stdin) throws IOException, InterruptedException {
        return runner.run(command, stdin, config.commandTimeout());
    }

    private static NftRuleset.State parseOrNull(String json) {
        try {
            return NftRuleset.parse(json);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "unreadable nft -j output: " + e.getMessage());
            return null;
        }
    }

    private static String describe(Set<IpAddress> vteps) {
        Set<IpAddress> sorted = new TreeSet<>();
        sorted.addAll(vteps);
        String list = sorted.stream().limit(8).map(IpAddress::toString).collect(Collectors.joining(", "));
        return vteps.size() + " registered VTEP" + (vteps.size() == 1 ? "" : "s") + " (" + list
                + (vteps.size() > 8 ? ", ..." : "") + ")";
    }
}
