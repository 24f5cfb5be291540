package io.javaoverlay.server.testing;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;

import java.util.List;
import java.util.Map;
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
