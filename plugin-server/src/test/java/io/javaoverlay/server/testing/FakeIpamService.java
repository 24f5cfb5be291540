package io.javaoverlay.server.testing;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Records calls; answers fixed grants; can be told to fail the next calls. */
public final class FakeIpamService implements IpamService {
    public final List<Object> calls = new CopyOnWriteArrayList<>();
    public volatile Supplier<RuntimeException> failure;

    @Override
    public AddressSpaces addressSpaces() {
        return new AddressSpaces("JavaOverlayLocal", "JavaOverlayGlobal");
    }

    @Override
    public PoolGrant requestPool(PoolRequest request) {
        calls.add(request);
        fail();
        IpPrefix pool = request.pool().orElse(IpPrefix.parse("10.20.0.0/24"));
        return new PoolGrant("jo/blue/" + pool, pool, Map.of());
    }

    @Override
    public void releasePool(String poolId) {
        calls.add("releasePool " + poolId);
        fail();
    }

    @Override
    public AddressGrant requestAddress(AddressRequest request) {
        calls.add(request);
        fail();
        if (request.kind() == AddressKind.GATEWAY) {
            return new AddressGrant(IpPrefix.parse("10.20.0.1/24"));
        }
        return new AddressGrant(new IpPrefix(request.address().orElse(IpAddress.parse("10.20.0.2")), 24));
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        calls.add("releaseAddress " + poolId + " " + address);
        fail();
    }

    // The ownership API: an empty store. Calls are recorded so a test can see a repair was tried.

    @Override
    public List<PoolInfo> pools() {
        fail();
        return List.of();
    }

    @Override
    public List<AddressClaim> claims(IpPrefix pool) {
        fail();
        return List.of();
    }

    @Override
    public Optional<AddressClaim> claim(IpPrefix pool, IpAddress ip) {
        fail();
        return Optional.empty();
    }

    @Override
    public boolean releaseClaim(IpPrefix pool, IpAddress ip, String expectedHost, long notAfterSince) {
        calls.add("releaseClaim " + pool + " " + ip + " " + expectedHost);
        fail();
        return false;
    }

    @Override
    public void reclaim(IpPrefix pool, IpAddress ip, String host) {
        calls.add("reclaim " + pool + " " + ip + " " + host);
        fail();
    }

    @Override
    public boolean removeHolder(IpPrefix pool, String host, long notAfterSince) {
        calls.add("removeHolder " + pool + " " + host);
        fail();
        return false;
    }

    @Override
    public void addHolder(IpPrefix pool, String host) {
        calls.add("addHolder " + pool + " " + host);
        fail();
    }

    @Override
    public int sweepTombstones() {
        fail();
        return 0;
    }

    @Override
    public HostCleanup forgetHost(String hostId, Set<IpAddress> keep) {
        calls.add("forgetHost " + hostId);
        fail();
        return new HostCleanup(0, 0, List.of());
    }

    private void fail() {
        Supplier<RuntimeException> f = failure;
        if (f != null) {
            throw f.get();
        }
    }

    /** A typical domain failure. */
    public static OverlayException inUse(String address) {
        return new OverlayException(OverlayException.Kind.CONFLICT, "Address already in use: " + address);
    }
}
