package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStoreException;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the replicator needs to know about the overlay's identities (vxlan's alias records). */
public interface ClusterDirectory {

    /** The cluster network this host's Docker network belongs to; empty when javaoverlay never recorded it. */
    Optional<String> clusterIdOf(String localNetworkId) throws KvStoreException;

    /** Hosts that still have a Docker network for {@code clusterId}. */
    Set<String> hostsWith(String clusterId) throws KvStoreException;

    /** This host's aliases: Docker network ID → cluster ID. */
    Map<String, String> localAliases() throws KvStoreException;

    /**
     * Drops this host's alias of a Docker network that no longer exists (removed while the plugin
     * was not running, or lost by dockerd), and the overlay if no host has it any more.
     */
    void forgetLocal(String localNetworkId) throws KvStoreException;

    /** Hosts whose plugin is running (registered with a live lease). */
    Set<String> liveHosts() throws KvStoreException;
}
