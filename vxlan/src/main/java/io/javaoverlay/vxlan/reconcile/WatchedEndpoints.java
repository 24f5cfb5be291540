package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The endpoint records as the endpoints watch last read them, by network: what a pass triggered by a
 * change reads instead of listing the network's records from the store again. With Consul a listing is
 * an HTTP round trip and a JSON document that grows with the network, and a host that adds endpoints
 * runs a pass per change: at 1000 endpoints, reading the store in every pass made the passes, and the
 * Joins queued behind them, grow with the network.
 *
 * <p>Why a pass may read this instead of the store: the watch publishes each listing here before it
 * triggers the passes of the networks that changed in it, so a pass triggered by a store change always
 * sees that change or a newer one. A pass triggered otherwise (this host's own write, a link event) may
 * see a listing that lacks a write the watch has not delivered yet; the watch triggers another pass when
 * it does. A listing is used only when its query was sent after the network's last pass that read the
 * store had read it: a listing older than that (a watch paced, or silently cut off) would undo what that
 * pass programmed. The view is live only while the watch is: after a failed query, and until its next
 * answer, passes read the store. Full passes (the first one, the periodic resync, {@code reconcile}) and
 * the first Join of a network always read the store.
 *
 * <p>The view keeps decoded records, not the listing: the decoder (the store's decode cache) hands back
 * the same record objects for unchanged bytes, so the view retains little that is new per listing. A
 * retained listing would live from one watch answer to the next, long enough to be promoted, and filled
 * the old generation with dead listings (4-5 MB more RSS at 1000 endpoints). Only the networks this host
 * has something of are kept (the others' records would only fill the cache); for any other network, and
 * one without records in the last listing, the view has no answer and a pass reads the store.
 */
final class WatchedEndpoints {
    private final BiFunction<String, List<KvEntry>, List<EndpointRecord>> decoder;
    private final Predicate<String> wanted;
    /** The last listing's records by network, and when its query was sent; null while the watch is not answering. */
    private volatile Listing last;

    private record Listing(Map<String, List<EndpointRecord>> byNetwork, long askedAtNanos) {}

    /**
     * @param decoder a network's entries to its records (a corrupt one left out), as the store decodes them
     * @param wanted  the networks to keep: those this host has state or a reconciler for
     */
    WatchedEndpoints(BiFunction<String, List<KvEntry>, List<EndpointRecord>> decoder, Predicate<String> wanted) {
        this.decoder = decoder;
        this.wanted = wanted;
    }

    /** A listing of {@code endpoints/} the watch just read; its query was sent at {@code askedAtNanos} ({@link System#nanoTime()}). */
    void update(List<KvEntry> listing, long askedAtNanos) {
        Map<String, List<KvEntry>> groups = new HashMap<>();
        int from = NetworkKeys.ENDPOINTS.length();
        String groupPrefix = null; // endpoints/<network>/ of the last entry (a listing is in key order)
        List<KvEntry> group = null;
        for (KvEntry e : listing) {
            // endpoints/<network>/<endpoint>: what store.list(endpointsOf(network)) would return
            String key = e.key();
            if (group == null || !key.startsWith(groupPrefix)) {
                int slash = key.indexOf('/', from);
                if (!key.startsWith(NetworkKeys.ENDPOINTS) || slash <= from) {
                    continue;
                }
                groupPrefix = key.substring(0, slash + 1);
                group = groups.computeIfAbsent(key.substring(from, slash), k -> new ArrayList<>());
            }
            group.add(e);
        }
        Map<String, List<EndpointRecord>> next = new HashMap<>();
        groups.forEach((nid, entries) -> {
            if (wanted.test(nid)) {
                next.put(nid, List.copyOf(decoder.apply(nid, entries)));
            }
        });
        last = new Listing(next, askedAtNanos);
    }

    /** The watch failed: until it answers again, nobody may take its last listing as current. */
    void lost() {
        last = null;
    }

    /**
     * The records of {@code networkId} as last watched, if that listing's query was sent after
     * {@code notBeforeNanos} ({@link System#nanoTime()}: when the network's last read of the store began).
     * Empty when the view has no such answer (the watch is not live, its listing is older, the network was
     * not wanted or had no records in it): read the store then.
     */
    Optional<List<EndpointRecord>> of(String networkId, long notBeforeNanos) {
        Listing l = last;
        return l == null || l.askedAtNanos() - notBeforeNanos <= 0 ? Optional.empty()
                : Optional.ofNullable(l.byNetwork().get(networkId));
    }
}
