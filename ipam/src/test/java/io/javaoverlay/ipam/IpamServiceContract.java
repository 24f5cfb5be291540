package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.AddressKind;
import io.javaoverlay.ipam.IpamService.AddressRequest;
import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.ipam.IpamService.PoolRequest;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared fixture of the behaviour tests ({@link IpamBehaviourContract}) and the concurrency
 * tests: builds services for simulated hosts on two clients of one store, plus request helpers.
 * A backend supplies {@link #openClient()}; every client of one test must see the same, initially
 * empty, data.
 */
abstract class IpamServiceContract {

    private final KvStore[] clients = new KvStore[2];

    /** A new client of the store under test; each test opens two, which share one, initially empty, store. */
    protected abstract KvStore openClient() throws Exception;

    /** Client {@code i} (0 or 1) of one shared store; empty under {@code ipam/} when a test starts. */
    protected final KvStore client(int i) {
        if (clients[i] == null) {
            try {
                clients[i] = openClient();
            } catch (Exception e) {
                throw new IllegalStateException("cannot open store client " + i + ": " + e.getMessage(), e);
            }
        }
        return clients[i];
    }

    @AfterEach
    void closeClients() {
        for (KvStore c : clients) {
            if (c != null) {
                c.close();
            }
        }
    }

    static final String SPACE = IpamConfig.LOCAL_SPACE;

    IpamConfig config(String host) {
        return IpamConfig.defaults(host).withRetries(200, Duration.ofMillis(5));
    }

    /** A service for simulated host {@code host}, on client {@code client}. */
    KvIpamService host(String host, int client) {
        return new KvIpamService(client(client), config(host));
    }

    /** Epoch ms where simulated clocks start (2023-11-14). */
    static final long T0 = 1_700_000_000_000L;

    /** A service for simulated host {@code host} on client {@code client}, with its own clock and scope. */
    KvIpamService host(String host, int client, Clock clock, IpamConfig.Scope scope) {
        return new KvIpamService(client(client), config(host).withScope(scope), clock);
    }

    static PoolRequest poolReq(String pool, String subPool, String network, boolean v6) {
        Map<String, String> opts = new HashMap<>();
        if (network != null) {
            opts.put(PoolAllocator.NETWORK_OPTION, network);
        }
        return new PoolRequest(SPACE, Optional.ofNullable(pool).map(IpPrefix::parse), Optional.ofNullable(subPool).map(IpPrefix::parse),
                opts, v6);
    }

    static PoolGrant pool(IpamService s, String cidr, String network) {
        return s.requestPool(poolReq(cidr, null, network, cidr != null && cidr.contains(":")));
    }

    static String addr(IpamService s, String poolId) {
        return s.requestAddress(new AddressRequest(poolId, Optional.empty(), AddressKind.ORDINARY, Map.of())).address()
                .toString();
    }

    static String addr(IpamService s, String poolId, String ip) {
        return s.requestAddress(new AddressRequest(poolId, Optional.of(IpAddress.parse(ip)), AddressKind.ORDINARY,
                Map.of())).address().toString();
    }

    static String gw(IpamService s, String poolId, String ip) {
        return s.requestAddress(new AddressRequest(poolId, Optional.ofNullable(ip).map(IpAddress::parse), AddressKind.GATEWAY,
                Map.of("RequestAddressType", "com.docker.network.gateway"))).address().toString();
    }

    /** "10.20.0.5/24" -> "10.20.0.5". */
    static String bare(String cidr) {
        return cidr.substring(0, cidr.indexOf('/'));
    }

    /** "10.20.0.5/24" -> 10.20.0.5, typed (what ReleaseAddress takes). */
    static IpAddress host(String cidr) {
        return IpPrefix.parse(cidr).address();
    }

    /** Every ipam key currently in the store. */
    List<KvEntry> ipamKeys() throws Exception {
        return client(0).list(IpamKeys.ROOT);
    }

    /** The address keys of one pool. */
    List<KvEntry> addressKeys(String poolId) throws Exception {
        return client(0).list(IpamKeys.addressPrefix(poolId));
    }

    /** Asserts that {@code call} fails with {@code type} and a message containing every fragment. */
    static <T extends OverlayException> T fails(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message should name '" + f + "': " + e.getMessage());
        }
        return e;
    }

    /** Asserts that the store holds no pools and no addresses (the index may remain, empty). */
    void assertStoreEmpty() throws Exception {
        for (KvEntry e : ipamKeys()) {
            assertTrue(e.key().startsWith("ipam/pool-index/") && e.valueAsString().contains("\"pools\":[]"),
                    "left over: " + e.key() + " = " + e.valueAsString());
        }
    }
}
