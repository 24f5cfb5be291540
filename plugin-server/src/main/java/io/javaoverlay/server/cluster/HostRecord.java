package io.javaoverlay.server.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Objects;

/**
 * A host's heartbeat record under {@code hosts/<hostId>} ({@link ClusterKeys#host}). Its owner
 * rewrites it every heartbeat with an incremented {@code beat}; it is not bound to a lease, so it
 * outlives the host and keeps its VTEP for the dead-host collector. Observers never compare the
 * values with their own clock: they watch the key's modify index change ({@link Membership}).
 *
 * @param hostId    the host's identity in the store
 * @param vtep      its VTEP (underlay) address, textual
 * @param hostname  its host name, for people reading the store ("" if unknown)
 * @param version   the javaoverlay version it runs ("" if unknown)
 * @param startedAt epoch milliseconds (the owner's clock) when this plugin process started
 * @param beat      heartbeat counter of this process, from 0
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostRecord(String hostId, String vtep, String hostname, String version, long startedAt, long beat) {
    public HostRecord {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(vtep, "vtep");
        hostname = hostname == null ? "" : hostname;
        version = version == null ? "" : version;
    }

    /** This record with another beat counter. */
    public HostRecord withBeat(long n) {
        return new HostRecord(hostId, vtep, hostname, version, startedAt, n);
    }
}
