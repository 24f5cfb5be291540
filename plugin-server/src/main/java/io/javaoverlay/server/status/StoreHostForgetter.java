package io.javaoverlay.server.status;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkAlias;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link HostForgetter} on today's store layout, through the owning modules' APIs: the host's
 * endpoint records (vxlan's {@link OverlayStore}; every other host withdraws its peers through the
 * store watch), its address claims and pool holders (ipam's {@link IpamService#forgetHost}; pools whose last
 * holder goes are deleted), its network aliases (and overlay networks no host has any more), and
 * its {@code hosts/} record. Refuses this host, a live host, and, unless forced, a host whose
 * liveness this daemon cannot tell. Every step is idempotent: a repeat finishes a partial run.
 */
public final class StoreHostForgetter implements HostForgetter {
    private static final System.Logger LOG = System.getLogger(StoreHostForgetter.class.getName());

    private final KvStore store;
    private final OverlayStore overlay;
    private final IpamService ipam;
    private final HostsSource hosts;
    private final String selfId;

    public StoreHostForgetter(KvStore store, OverlayStore overlay, IpamService ipam, HostsSource hosts, String selfId) {
        this.store = store;
        this.overlay = overlay;
        this.ipam = ipam;
        this.hosts = hosts;
        this.selfId = selfId;
    }

    @Override
    public StatusModel.ForgetReport forget(String hostId, boolean force) {
        if (!NetworkKeys.isValidHostId(hostId)) {
            throw new OverlayException(Kind.INVALID_REQUEST, "'" + hostId + "' is not a host ID");
        }
        if (hostId.equals(selfId)) {
            throw new OverlayException(Kind.CONFLICT, "refusing to forget " + hostId
                    + ": it is this host (run the command on another host)");
        }
        Map<String, HostsSource.Host> known;
        try {
            known = hosts.hosts();
        } catch (Exception e) {
            throw new OverlayException(Kind.UNAVAILABLE, "cannot tell whether host " + hostId
                    + " is alive: " + e.getMessage());
        }
        HostsSource.Host h = known.get(hostId);
        if (h == null) {
            throw new OverlayException(Kind.NOT_FOUND, "host " + hostId
                    + " is not known: no registration, endpoint record or network alias names it");
        }
        if (h.state() == Liveness.ALIVE || h.state() == Liveness.SILENT) {
            throw new OverlayException(Kind.CONFLICT, "refusing to forget host " + hostId + ": it is "
                    + h.state().label() + h.since().map(t -> " (since " + t + ")").orElse("")
                    + "; stop javaoverlay there, or wait until it is dead");
        }
        if (h.state() == Liveness.UNKNOWN && !force) {
            throw new OverlayException(Kind.CONFLICT, "cannot tell whether host " + hostId
                    + " is alive: this daemon keeps no host registrations (scope global or file store); make sure it"
                    + " is gone and repeat with --force");
        }
        try {
            return forgetDead(hostId);
        } catch (KvStoreException | OverlayException e) {
            throw new OverlayException(Kind.UNAVAILABLE, "forgetting host " + hostId
                    + " stopped half way (repeat the command to finish): " + e.getMessage());
        }
    }

    private StatusModel.ForgetReport forgetDead(String hostId) throws KvStoreException {
        // 1. Its endpoint records: peers everywhere withdraw through the store watch.
        int endpoints = 0;
        Set<IpAddress> keep = new HashSet<>();
        for (var e : store.list(NetworkKeys.ENDPOINTS)) {
            EndpointRecord r = NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class);
            if (r.hostId().equals(hostId)) {
                overlay.deleteEndpoint(r.networkId(), r.endpointId());
                endpoints++;
            } else {
                r.ipv4Prefix().ifPresent(p -> keep.add(p.address()));
                r.ipv6Prefix().ifPresent(p -> keep.add(p.address()));
            }
        }
        // 2. Its address claims and pool holders (an address another host's endpoint holds stays).
        IpamService.HostCleanup ipamDone = ipam.forgetHost(hostId, keep);
        // 3. Its aliases; an overlay network no host has any more goes with them.
        Set<String> touched = new TreeSet<>();
        int aliases = 0;
        for (NetworkAlias a : overlay.aliases()) {
            if (a.hostId().equals(hostId)) {
                overlay.deleteAlias(a.hostId(), a.networkId());
                touched.add(a.clusterId());
                aliases++;
            }
        }
        List<String> deleted = new ArrayList<>();
        for (String cid : touched) {
            boolean endpointsLeft = !overlay.endpoints(cid).isEmpty();
            if (!endpointsLeft && overlay.deleteNetworkIfUnmapped(cid).isPresent()) {
                deleted.add(cid);
            }
        }
        // 4. Its registration.
        boolean registered = store.get(NetworkKeys.host(hostId)).isPresent();
        store.delete(NetworkKeys.host(hostId));
        StatusModel.ForgetReport report = new StatusModel.ForgetReport(hostId, endpoints, ipamDone.addressesReleased(),
                ipamDone.holdersRemoved(), ipamDone.poolsDeleted().stream().map(IpPrefix::toString).toList(), aliases, deleted, registered);
        LOG.log(Level.INFO, "forgot host " + hostId + " on the operator's request: " + endpoints + " endpoint records, "
                + ipamDone.addressesReleased() + " addresses, " + ipamDone.holdersRemoved() + " pool holders ("
                + ipamDone.poolsDeleted().size() + " pools deleted), " + aliases + " network aliases ("
                + deleted.size() + " networks deleted)" + (registered ? ", its registration" : ""));
        return report;
    }
}
