package io.javaoverlay.server.metrics;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An {@link IpamService} that counts allocations and releases by operation
 * ({@code request_pool}, {@code release_pool}, {@code request_address}, {@code request_gateway},
 * {@code release_address}) and result ({@code ok} or {@code error}).
 */
public final class MeteredIpamService implements IpamService {
    private final IpamService delegate;
    private final Metrics metrics;

    /** Wraps {@code delegate}. */
    public MeteredIpamService(IpamService delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The wrapped service. */
    public IpamService delegate() {
        return delegate;
    }

    private <T> T counted(String op, Supplier<T> call) {
        String result = "error";
        try {
            T v = call.get();
            result = "ok";
            return v;
        } finally {
            metrics.ipamRequests.labelValues(op, result).inc();
        }
    }

    @Override
    public AddressSpaces addressSpaces() {
        return delegate.addressSpaces();
    }

    @Override
    public PoolGrant requestPool(PoolRequest request) {
        return counted("request_pool", () -> delegate.requestPool(request));
    }

    @Override
    public void releasePool(String poolId) {
        counted("release_pool", () -> {
            delegate.releasePool(poolId);
            return null;
        });
    }

    @Override
    public AddressGrant requestAddress(AddressRequest request) {
        String op = request.kind() == AddressKind.GATEWAY ? "request_gateway" : "request_address";
        return counted(op, () -> delegate.requestAddress(request));
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        counted("release_address", () -> {
            delegate.releaseAddress(poolId, address);
            return null;
        });
    }

    // The ownership API is for the reconcilers and the admin interface, not Docker's calls: not counted.

    @Override
    public Optional<IpPrefix> poolOf(String poolId) {
        return delegate.poolOf(poolId);
    }

    @Override
    public List<PoolInfo> pools() {
        return delegate.pools();
    }

    @Override
    public List<AddressClaim> claims(IpPrefix pool) {
        return delegate.claims(pool);
    }

    @Override
    public Optional<AddressClaim> claim(IpPrefix pool, IpAddress ip) {
        return delegate.claim(pool, ip);
    }

    @Override
    public boolean releaseClaim(IpPrefix pool, IpAddress ip, String expectedHost, long notAfterSince) {
        return delegate.releaseClaim(pool, ip, expectedHost, notAfterSince);
    }

    @Override
    public void reclaim(IpPrefix pool, IpAddress ip, String host) {
        delegate.reclaim(pool, ip, host);
    }

    @Override
    public boolean removeHolder(IpPrefix pool, String host, long notAfterSince) {
        return delegate.removeHolder(pool, host, notAfterSince);
    }

    @Override
    public void addHolder(IpPrefix pool, String host) {
        delegate.addHolder(pool, host);
    }

    @Override
    public int sweepTombstones() {
        return delegate.sweepTombstones();
    }

    @Override
    public HostCleanup forgetHost(String hostId, Set<IpAddress> keep) {
        return delegate.forgetHost(hostId, keep);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
