package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.AddressKind;
import io.javaoverlay.ipam.IpamService.AddressRequest;
import io.javaoverlay.ipam.IpamService.PoolRequest;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's view of pools, and forgetting a dead host, on the in-memory store. */
class IpamInventoryTest {
    final InMemoryKvStore store = new InMemoryKvStore();
    final KvIpamService a = new KvIpamService(store, IpamConfig.defaults("a"));
    final KvIpamService b = new KvIpamService(store, IpamConfig.defaults("b"));

    static String pool(KvIpamService s, String cidr, String network) {
        return s.requestPool(new PoolRequest(IpamConfig.LOCAL_SPACE, Optional.of(cidr), Optional.empty(),
                network == null ? Map.of() : Map.of("javaoverlay.network", network), false)).poolId();
    }

    static String addr(KvIpamService s, String poolId, AddressKind kind) {
        return s.requestAddress(new AddressRequest(poolId, Optional.empty(), kind, Map.of())).address().replaceAll("/.*", "");
    }

    @Test
    void poolsShowUsageAndHolders() {
        String shared = pool(a, "198.18.1.0/24", "blue");
        pool(b, "198.18.1.0/24", "blue");
        String gw = addr(a, shared, AddressKind.GATEWAY);
        addr(a, shared, AddressKind.ORDINARY);
        addr(b, shared, AddressKind.ORDINARY);
        pool(a, "198.18.2.0/29", null);
        List<IpamInventory.Pool> pools = a.inventory().pools();
        assertEquals(2, pools.size());
        IpamInventory.Pool p = pools.get(0);
        assertEquals("198.18.1.0/24", p.pool());
        assertEquals(gw, p.gateway());
        assertEquals(List.of("a", "b"), p.holders().stream().map(IpamInventory.Holder::host).toList());
        assertEquals(BigInteger.valueOf(254), p.capacity());
        assertEquals(3, p.used());
        assertEquals(BigInteger.valueOf(251), p.free());
        assertEquals(BigInteger.valueOf(6), pools.get(1).capacity());
        assertEquals("198.18.1.0/24", a.inventory().poolOf("198.18.1.77").get().pool());
        assertTrue(a.inventory().poolOf("198.18.9.1").isEmpty());
    }

    @Test
    void forgettingAHostFreesItsAddressesAndHoldsAndDeletesPoolsOnlyItHeld() throws Exception {
        String shared = pool(a, "198.18.1.0/24", "blue");
        pool(b, "198.18.1.0/24", "blue");
        addr(a, shared, AddressKind.GATEWAY);
        String mine = addr(b, shared, AddressKind.ORDINARY);
        String kept = addr(b, shared, AddressKind.ORDINARY);
        String theirs = addr(a, shared, AddressKind.ORDINARY);
        String alone = pool(b, "198.18.3.0/24", null);
        addr(b, alone, AddressKind.GATEWAY);
        addr(b, alone, AddressKind.ORDINARY);

        IpamInventory.HostCleanup done = a.inventory().forgetHost("b", Set.of(kept));
        assertEquals(2, done.addressesReleased(), "b's address in the shared pool and in its own pool; " + kept + " is kept");
        assertEquals(2, done.holdersRemoved());
        assertEquals(List.of("198.18.3.0/24"), done.poolsDeleted());
        List<IpamInventory.Pool> pools = a.inventory().pools();
        assertEquals(1, pools.size());
        assertEquals(List.of("a"), pools.get(0).holders().stream().map(IpamInventory.Holder::host).toList());
        assertTrue(a.inventory().allocation(shared, mine).isEmpty());
        assertTrue(a.inventory().allocation(shared, kept).isPresent());
        assertTrue(a.inventory().allocation(shared, theirs).isPresent());
        assertEquals(0, store.list("ipam/addrs/" + alone + "/").size(), "the deleted pool's addresses are gone");
        // a repeat finds nothing more to do
        assertEquals(new IpamInventory.HostCleanup(0, 0, List.of()), a.inventory().forgetHost("b", Set.of(kept)));
        // the freed subnet can be claimed again
        pool(a, "198.18.3.0/24", null);
    }
}
