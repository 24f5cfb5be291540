package io.javaoverlay.vxlan.testing;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fixture of the network service's unit tests: two simulated hosts, {@code host-a} (VTEP
 * 198.18.0.1) and {@code host-b} (198.18.0.2), each with its own fake kernel and underlay
 * {@code eth0} (MTU 1400), sharing one store. Closing it closes both services and the store.
 * (The privileged equivalent with real namespaces is {@link TwoHostTopology}.)
 */
public final class TwoHosts implements AutoCloseable {
    /** The hosts' clock: every endpoint record is created at {@value #NOW} ms. */
    public static final long NOW = 1_700_000_000_000L;
    public static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    /** How long a test waits for asynchronous passes. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    public final KvStore kv;
    public final FakeNetlinkHandle nlA = new FakeNetlinkHandle();
    public final FakeNetlinkHandle nlB = new FakeNetlinkHandle();
    public final VxlanNetworkService a;
    public final VxlanNetworkService b;
    /** Network ID → its subnet, handed out once per ID (see {@link #net(String, Map)}). */
    private final Map<String, String> subnets = new LinkedHashMap<>();

    /** Both hosts on {@code kv} (closed with the fixture). */
    public TwoHosts(KvStore kv) {
        this.kv = kv;
        int ia = nlA.addDevice("eth0", 1400, IpPrefix.parse("198.18.0.1/24"));
        int ib = nlB.addDevice("eth0", 1400, IpPrefix.parse("198.18.0.2/24"));
        a = new VxlanNetworkService(nlA, kv, config("host-a", "198.18.0.1", ia), PassListener.NONE, CLOCK);
        b = new VxlanNetworkService(nlB, kv, config("host-b", "198.18.0.2", ib), PassListener.NONE, CLOCK);
    }

    /** A host's settings: underlay {@code eth0}, MTU 1400, no periodic resync during a test, short watches. */
    public static VxlanConfig config(String host, String vtep, int underlayIndex) {
        return VxlanConfig.builder(host, new Underlay(IpAddress.parse(vtep), underlayIndex, "eth0", 1400))
                .resyncInterval(Duration.ofMinutes(10)).watchWait(Duration.ofMillis(200)).build();
    }

    /**
     * Network {@code id} on a subnet of its own: {@code n1} gets 10.20.0.0/24, every other ID the
     * next free 10.21.N.0/24, in order of first use. One subnet is one network cluster-wide, so two
     * IDs must never share one: that would silently make them one network.
     */
    public NetworkSpec net(String id, Map<String, String> opts) {
        String prefix = subnets.computeIfAbsent(id, k -> k.equals("n1") ? "10.20.0" : "10.21." + (subnets.size() + 1));
        return net(id, prefix + ".0/24", prefix + ".1/24", opts);
    }

    /** Network {@code id} with one IPv4 pool from javaoverlay's IPAM (address space JavaOverlayLocal). */
    public static NetworkSpec net(String id, String pool, String gateway, Map<String, String> opts) {
        return new NetworkSpec(id, List.of(NetworkRecord.Pool.of("JavaOverlayLocal", IpPrefix.parse(pool),
                Optional.of(IpPrefix.parse(gateway)), Map.of())), List.of(), opts, false, false);
    }

    /** An IPv4-only endpoint without a MAC (the driver derives it). */
    public static EndpointSpec ep(String eid, String ip) {
        return new EndpointSpec(eid, Optional.of(IpPrefix.parse(ip)), Optional.empty(), Optional.empty());
    }

    /** Asserts that {@code r} fails with an {@link OverlayException} of {@code kind}; returns it. */
    public static OverlayException fails(OverlayException.Kind kind, Runnable r) {
        OverlayException e = assertThrows(OverlayException.class, r::run);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    /** Polls {@code cond} for up to {@link #WAIT}; on timeout the error shows the jo-* threads' stacks. */
    public static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder dump = new StringBuilder("timed out waiting for: " + what + "\nthreads:");
                Thread.getAllStackTraces().forEach((t, st) -> {
                    if (t.getName().startsWith("jo-")) {
                        dump.append("\n  ").append(t.getName()).append(' ').append(t.getState());
                        for (int i = 0; i < Math.min(6, st.length); i++) {
                            dump.append("\n    at ").append(st[i]);
                        }
                    }
                });
                throw new AssertionError(dump.toString());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        a.close();
        b.close();
        kv.close();
    }
}
