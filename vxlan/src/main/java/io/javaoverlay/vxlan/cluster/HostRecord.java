package io.javaoverlay.vxlan.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Objects;

/**
 * A host's registration under {@code hosts/<hostId>}, bound to its liveness lease.
 *
 * @param hostId    the host's identity in the store
 * @param vtep      its VTEP (underlay) address
 * @param hostname  its host name, for people reading the store
 * @param startedAt epoch milliseconds when this plugin process registered
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostRecord(String hostId, String vtep, String hostname, long startedAt) {
    public HostRecord {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(vtep, "vtep");
    }
}
