package io.javaoverlay.server.cluster;

/** A host's state as one observer judges it ({@link Membership}). */
public enum Liveness {
    /** Its {@code hosts/} record changed within {@code deadAfter}. */
    ALIVE,
    /**
     * No heartbeat for {@code deadAfter}, but the machine is not known to be gone: its VTEP answers
     * ICMP echo (its plugin or its store path is down), or the probes have not failed enough yet.
     * Peers of a SILENT host are kept.
     */
    SILENT,
    /** No heartbeat for {@code deadAfter} and its VTEP does not answer (or probing is off). Peers are withdrawn. */
    DEAD
}
