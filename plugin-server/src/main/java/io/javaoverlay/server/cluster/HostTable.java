package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvEntry;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The judging half of {@link Membership}: every tracked host ({@link TrackedHost}), the observer's own
 * read health, and the rules of the package's design (what is a beat, when clocks restart, when to
 * probe, when to forget). No I/O, no threads, no clock of its own; not thread-safe ({@link Membership}
 * holds its lock around every call).
 */
final class HostTable {
    private static final System.Logger LOG = System.getLogger(Membership.class.getName());

    /** What one look produced. */
    record Result(List<Membership.Change> changes, List<Probe> probes) {}

    /** A probe to send outside the lock, for one generation of one host. */
    record Probe(TrackedHost host, long generation, InetAddress vtep) {}

    private final String selfId;
    private final InetAddress selfVtep;
    private final Membership.Settings settings;
    private final Map<String, TrackedHost> hosts = new TreeMap<>();
    private boolean readFailed = true; // nothing read yet: the first success starts the clocks
    private boolean judging;
    private long lastReadOk;

    HostTable(String selfId, InetAddress selfVtep, Membership.Settings settings) {
        this.selfId = selfId;
        this.selfVtep = selfVtep;
        this.settings = settings;
    }

    /** Our read of {@code hosts/} failed: judge nothing until the next success, which restarts the clocks. */
    void readFailed() {
        readFailed = true;
        judging = false;
    }

    /**
     * Judges every host from one successful listing of {@code hosts/}.
     *
     * @param owners hosts that own endpoint records, with their VTEP if known
     * @return the state changes, and the probes to send now
     */
    Result observe(List<KvEntry> entries, Map<String, Optional<InetAddress>> owners, long now) {
        boolean reset = readFailed || now - lastReadOk > settings.deadAfter().toNanos() / 2;
        if (reset && lastReadOk != 0) {
            String cause = readFailed ? "the store answers again (last good read " + millis(now - lastReadOk) + " s ago)"
                    : "this host could not look for " + millis(now - lastReadOk) + " s (slow store call or paused process)";
            LOG.log(Level.INFO, cause + "; host liveness clocks restarted: every host has "
                    + millis(settings.deadAfter().toNanos()) + " s to beat before it is judged");
        }
        readFailed = false;
        lastReadOk = now;
        Map<String, KvEntry> byHost = new HashMap<>();
        for (KvEntry e : entries) {
            ClusterKeys.hostIdOf(e.key()).ifPresent(id -> byHost.put(id, e));
        }
        Map<String, Optional<InetAddress>> ownersNow = owners;
        Set<String> ids = new TreeSet<>(hosts.keySet());
        ids.addAll(byHost.keySet());
        ids.addAll(ownersNow.keySet());
        ids.add(selfId);
        List<Membership.Change> changes = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        long deadAfter = settings.deadAfter().toNanos();
        long probeFrom = Math.max(deadAfter / 2, deadAfter - 2 * settings.heartbeat().toNanos());
        for (String id : ids) {
            KvEntry e = byHost.get(id);
            TrackedHost h = hosts.get(id);
            boolean fresh = h == null;
            if (fresh) {
                h = new TrackedHost(id, id.equals(selfId), e != null ? Liveness.ALIVE : Liveness.SILENT, now);
                h.reason = e != null ? "first seen" : h.self ? "its heartbeat is not in the store yet"
                        : "owns endpoint records but has no " + ClusterKeys.HOSTS + " record";
                hosts.put(id, h);
                changes.add(new Membership.Change(id, Optional.empty(), Optional.of(h.state)));
                logState(h, null, now);
            }
            // Any new write is a beat, also a record reappearing (a wiped hosts/, a record we never had).
            boolean changed = !fresh && e != null && (h.index == null || e.modifyIndex() != h.index);
            if (e != null && (fresh || changed || h.record == null)) {
                try {
                    HostRecord r = ClusterKeys.decodeHost(e.key(), e.value());
                    if (h.record != null && r.startedAt() != h.record.startedAt()) {
                        LOG.log(Level.INFO, "host " + id + " restarted its plugin (" + r.version() + "); it keeps its state");
                    }
                    h.record = r;
                    h.recordVtep = parseLiteral(r.vtep());
                } catch (IllegalArgumentException corrupt) {
                    LOG.log(Level.WARNING, corrupt.getMessage());
                }
            }
            h.index = e == null ? null : e.modifyIndex();
            h.ownerVtep = ownersNow.getOrDefault(id, Optional.empty()).orElse(h.self ? selfVtep : null);
            if (changed) {
                h.beat(now);
                transition(h, Liveness.ALIVE, now, changes);
                continue;
            }
            if (reset) {
                h.resetClock(now);
                continue;
            }
            long silent = now - h.lastChange;
            boolean probing = settings.probe() && h.vtep() != null && !h.self;
            if (probing && silent >= probeFrom && !h.probeInFlight
                    && (h.lastProbeStart == Long.MIN_VALUE
                        || now - h.lastProbeStart >= settings.heartbeat().toNanos() * 9 / 10)) {
                h.probeInFlight = true;
                h.lastProbeStart = now;
                probes.add(new Probe(h, h.generation, h.vtep()));
            }
            if (silent >= deadAfter) {
                transition(h, h.judgeOverdue(probing), now, changes);
            }
        }
        // Forget hosts that are DEAD, have no record and own nothing: the collector removed them.
        for (var it = hosts.values().iterator(); it.hasNext(); ) {
            TrackedHost h = it.next();
            if (h.state == Liveness.DEAD && h.index == null && !ownersNow.containsKey(h.id) && !h.self) {
                it.remove();
                changes.add(new Membership.Change(h.id, Optional.of(Liveness.DEAD), Optional.empty()));
                LOG.log(Level.INFO, "host " + h.id + " forgotten: DEAD, no " + ClusterKeys.HOSTS + " record, owns no endpoints");
            }
        }
        judging = true;
        return new Result(changes, probes);
    }

    /** A probe's answer; returns the change it causes, if any (stale answers are ignored). */
    List<Membership.Change> probed(TrackedHost h, long generation, boolean ok, long now) {
        if (hosts.get(h.id) != h || h.generation != generation) {
            return List.of(); // a beat or a clock reset came in between: this answer is stale
        }
        h.probed(ok);
        List<Membership.Change> changes = new ArrayList<>();
        if (!readFailed && judging && now - h.lastChange >= settings.deadAfter().toNanos()) {
            transition(h, h.judgeOverdue(true), now, changes);
        }
        return changes;
    }

    /** The probe could not be started (all probe threads busy): allow it again at the next look. */
    void probeNotSent(Probe p) {
        if (p.host().generation == p.generation()) {
            p.host().probeInFlight = false;
            p.host().lastProbeStart = Long.MIN_VALUE;
        }
    }

    /** How long a host has been DEAD; empty if it is not. */
    Optional<Duration> deadFor(String hostId, long now) {
        TrackedHost h = hosts.get(hostId);
        return h == null || h.state != Liveness.DEAD ? Optional.empty() : Optional.of(Duration.ofNanos(now - h.stateSince));
    }

    /** The hosts as views, with ages as of {@code now} and {@code since} on the wall clock {@code wallNow}. */
    Map<String, HostView> views(long now, Instant wallNow) {
        Map<String, HostView> out = new TreeMap<>();
        for (TrackedHost h : hosts.values()) {
            HostRecord r = h.record;
            out.put(h.id, new HostView(h.id, h.state, Optional.ofNullable(h.vtep()), r == null ? "" : r.hostname(),
                    r == null ? "" : r.version(), Duration.ofNanos(now - h.lastChange),
                    wallNow.minusNanos(now - h.stateSince), h.index != null));
        }
        return Collections.unmodifiableMap(out);
    }

    private void transition(TrackedHost h, Liveness next, long now, List<Membership.Change> changes) {
        if (next == h.state) {
            return;
        }
        Liveness before = h.state;
        h.state = next;
        h.stateSince = now;
        changes.add(new Membership.Change(h.id, Optional.of(before), Optional.of(next)));
        logState(h, before, now);
    }

    private void logState(TrackedHost h, Liveness before, long now) {
        String vtep = h.vtep() == null ? "VTEP unknown" : "VTEP " + h.vtep().getHostAddress();
        String who = "host " + h.id + (h.self ? " (this host, " : " (") + vtep + ")";
        String silent = millis(now - h.lastChange);
        switch (h.state) {
            case ALIVE -> LOG.log(before == null ? Level.DEBUG : Level.INFO, who + " is ALIVE (" + h.reason + ")");
            case SILENT -> LOG.log(Level.WARNING, who + " is SILENT: " + (before == null ? h.reason : "no heartbeat for "
                    + silent + " s; " + h.reason) + "; its peers are kept");
            case DEAD -> LOG.log(Level.WARNING, who + " is DEAD: no heartbeat for " + silent + " s and " + h.reason
                    + "; its peers are withdrawn");
        }
    }

    /** An IP literal as an address; null for anything else (never a DNS lookup). */
    static InetAddress parseLiteral(String vtep) {
        if (vtep == null || !vtep.trim().matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(vtep.trim());
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
