package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamConfig;
import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ReleaseAddress guard (design-core §1): a repeated or late release never frees a held address. */
class ReleaseGuardTest {
    static final IpPrefix POOL = IpPrefix.parse("198.18.30.0/24");
    final InMemoryKvStore kv = new InMemoryKvStore();
    final KvIpamService ipam = new KvIpamService(kv, IpamConfig.defaults("h1"));
    final FakeOverlay overlay = new FakeOverlay();
    final ReleaseGuard guard = new ReleaseGuard(ipam, overlay);
    String poolId;

    @BeforeEach
    void setUp() {
        poolId = ipam.requestPool(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(POOL), Optional.empty(),
                Map.of(), false)).poolId();
        overlay.network(NetworkRecord.builder("c1").ipv4(List.of(NetworkRecord.Pool.of("JavaOverlayLocal", POOL,
                Optional.empty(), Map.of()))).build());
    }

    IpAddress claim(String ip) {
        IpAddress a = IpAddress.parse(ip);
        ipam.requestAddress(new IpamService.AddressRequest(poolId, Optional.of(a), IpamService.AddressKind.ORDINARY, Map.of()));
        return a;
    }

    boolean claimed(IpAddress a) {
        return ipam.claim(POOL, a).isPresent();
    }

    @Test
    void aReleaseAfterDeleteEndpointFreesTheAddress() {
        IpAddress a = claim("198.18.30.5");
        assertTrue(guard.release(poolId, a));
        assertFalse(claimed(a));
    }

    @Test
    void aLateReleaseOfAnAddressANewEndpointHoldsIsIgnored() {
        IpAddress a = claim("198.18.30.5");
        overlay.endpoint(new EndpointRecord("c1", "new", "h2", IpAddress.parse("198.18.0.2"),
                MacAddress.parse("02:42:c6:12:1e:05"), IpPrefix.parse("198.18.30.5/24"), null, "d2", 1));
        assertFalse(guard.release(poolId, a));
        assertTrue(claimed(a), "the new endpoint keeps its address");
    }

    @Test
    void aPoolNoNetworkRecordNamesIsReleasedUnguarded() {
        overlay.networks.clear(); // the network went first (its gateway is released last)
        IpAddress a = claim("198.18.30.6");
        assertTrue(guard.release(poolId, a));
        assertFalse(claimed(a));
    }
}
