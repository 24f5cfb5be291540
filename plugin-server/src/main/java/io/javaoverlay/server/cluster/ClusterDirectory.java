package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStoreException;

import java.util.Optional;
import java.util.Set;

/** What the replicator needs to know about the overlay's identities (vxlan's alias records). */
public interface ClusterDirectory {

    /** The cluster network this host's Docker network belongs to; empty when javaoverlay never recorded it. */
    Optional<String> clusterIdOf(String localNetworkId) throws KvStoreException;

    /** Hosts that still have a Docker network for {@code clusterId}. */
    Set<String> hostsWith(String clusterId) throws KvStoreException;

    /** Hosts whose plugin is running (registered with a live lease). */
    Set<String> liveHosts() throws KvStoreException;
}
