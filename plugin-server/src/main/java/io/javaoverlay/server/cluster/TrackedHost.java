package io.javaoverlay.server.cluster;

import java.net.InetAddress;

/**
 * One observer's bookkeeping for one host: the last modify index of its {@code hosts/} record, the
 * observer-local time that index last changed, its state and its probe history. Pure logic, no I/O,
 * no clock of its own: {@link Membership} feeds it times and guards it with its lock.
 *
 * <p>Probe hysteresis: a host that has not answered a single probe since its last beat is DEAD after
 * {@link #FAILS_TO_DEAD} consecutive failures (the design's "two failed probes 1 s apart"); one that has
 * answered since (so it was seen up, only silent) needs {@link #FAILS_TO_DEAD_ONCE_ANSWERED}, since a lossy
 * path loses single echoes far more often than six in a row; and a DEAD host becomes SILENT again only
 * after {@link #OKS_TO_REVIVE} consecutive answers. A heartbeat always makes it ALIVE at once.
 */
final class TrackedHost {
    static final int FAILS_TO_DEAD = 2;
    static final int FAILS_TO_DEAD_ONCE_ANSWERED = 6;
    static final int OKS_TO_REVIVE = 3;

    final String id;
    final boolean self;
    HostRecord record;
    InetAddress recordVtep;
    InetAddress ownerVtep;
    /** Modify index of the record at the last look; null while there is no record. */
    Long index;
    long lastChange;
    Liveness state;
    long stateSince;
    /** Bumped on every beat and clock reset, so a probe sent before it is ignored. */
    long generation;
    boolean probeInFlight;
    long lastProbeStart = Long.MIN_VALUE;
    int fails;
    int oks;
    boolean answeredSinceBeat;
    /** Why it entered its current state, for the log line. */
    String reason = "";

    TrackedHost(String id, boolean self, Liveness initial, long now) {
        this.id = id;
        this.self = self;
        this.state = initial;
        this.stateSince = now;
        this.lastChange = now;
    }

    /** The VTEP to probe: the record's, else the one its endpoint records name. */
    InetAddress vtep() {
        return recordVtep != null ? recordVtep : ownerVtep;
    }

    /** A heartbeat was seen: ALIVE, probe history cleared. */
    void beat(long now) {
        lastChange = now;
        generation++;
        fails = 0;
        oks = 0;
        answeredSinceBeat = false;
        probeInFlight = false;
        reason = "heartbeat seen";
    }

    /** Our own view was interrupted: restart the silence clock, forget probes in flight. */
    void resetClock(long now) {
        lastChange = now;
        generation++;
        fails = 0;
        oks = 0;
        probeInFlight = false;
    }

    /** Records a probe answer of the current generation. */
    void probed(boolean ok) {
        probeInFlight = false;
        if (ok) {
            oks++;
            fails = 0;
            answeredSinceBeat = true;
        } else {
            fails++;
            oks = 0;
        }
    }

    /**
     * The state an overdue host (no change for deadAfter) should have from its probes.
     *
     * @param probing whether probes can be used for it (probe on and a VTEP known)
     */
    Liveness judgeOverdue(boolean probing) {
        if (self) {
            return Liveness.SILENT; // we know our own machine is up
        }
        if (!probing) {
            reason = vtep() == null ? "no VTEP known to probe" : "VTEP probe off";
            return Liveness.DEAD;
        }
        if (state == Liveness.DEAD) {
            if (oks >= OKS_TO_REVIVE) {
                reason = "its VTEP answered " + oks + " probes in a row";
                return Liveness.SILENT;
            }
            return Liveness.DEAD;
        }
        int need = answeredSinceBeat ? FAILS_TO_DEAD_ONCE_ANSWERED : FAILS_TO_DEAD;
        if (fails >= need) {
            reason = fails + " consecutive ICMP probes of its VTEP failed";
            return Liveness.DEAD;
        }
        reason = answeredSinceBeat ? "its VTEP answers ICMP echo" : "probing its VTEP";
        return Liveness.SILENT;
    }
}
