package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster layer's keys ({@code netalias/}, {@code hosts/}) as the previous release kept them in
 * this module. They move to plugin-server's {@code server.cluster}; until every caller has moved,
 * {@link OverlayStore}'s deprecated methods delegate here. Nothing in vxlan itself uses them.
 */
@SuppressWarnings("removal")
final class LegacyClusterKeys {
    private final OverlayStore overlay;
    private final KvStore store;
    private final CasRetry cas;

    LegacyClusterKeys(OverlayStore overlay, KvStore store, CasRetry cas) {
        this.overlay = overlay;
        this.store = store;
        this.cas = cas;
    }

    Optional<String> findAlias(String hostId, String networkId) {
        return cas.once("read alias of network " + networkId, () -> store.get(NetworkKeys.alias(hostId, networkId)))
                .map(KvEntry::valueAsString);
    }

    List<NetworkAlias> aliases() {
        List<NetworkAlias> out = new ArrayList<>();
        for (KvEntry e : cas.once("list network aliases", () -> store.list(NetworkKeys.ALIASES))) {
            NetworkKeys.aliasOf(e.key()).ifPresent(p -> out.add(new NetworkAlias(p[0], p[1], e.valueAsString())));
        }
        return out;
    }

    void putAlias(String hostId, String networkId, String clusterId) {
        cas.once("record alias of network " + networkId, () -> {
            store.put(NetworkKeys.alias(hostId, networkId), clusterId.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    void deleteAlias(String hostId, String networkId) {
        cas.once("delete alias of network " + networkId, () -> {
            store.delete(NetworkKeys.alias(hostId, networkId));
            return null;
        });
    }

    /** The record goes only while no alias points at it; the aliases are listed after the record was read. */
    Optional<NetworkRecord> deleteNetworkIfUnmapped(String clusterId) {
        return overlay.deleteNetwork(clusterId, current -> {
            for (KvEntry e : store.list(NetworkKeys.ALIASES)) {
                if (e.valueAsString().equals(clusterId) && NetworkKeys.aliasOf(e.key()).isPresent()) {
                    return Optional.empty();
                }
            }
            return Optional.of(List.of());
        });
    }

    Set<String> registeredHosts() {
        Set<String> out = new TreeSet<>();
        for (KvEntry e : cas.once("list hosts", () -> store.list(NetworkKeys.HOSTS))) {
            out.add(e.key().substring(NetworkKeys.HOSTS.length()));
        }
        return out;
    }
}
