package io.javaoverlay.server.metrics;

import io.javaoverlay.ipam.IpamService;

import java.util.Objects;
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
    public void releaseAddress(String poolId, String address) {
        counted("release_address", () -> {
            delegate.releaseAddress(poolId, address);
            return null;
        });
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
