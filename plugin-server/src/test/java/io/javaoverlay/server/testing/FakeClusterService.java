package io.javaoverlay.server.testing;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.cluster.ClusterService;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Records calls; generates 02:42+IPv4 MACs like the real service; can be told to fail. ReleaseAddress
 * goes to the IPAM given (unguarded), if any.
 */
public final class FakeClusterService implements ClusterService {
    public final List<Object> calls = new CopyOnWriteArrayList<>();
    private final IpamService ipam;
    public volatile Supplier<RuntimeException> failure;
    public volatile JoinResult joinResult = new JoinResult("jo1a2b3c4d", "eth", Optional.empty(), Optional.empty(),
            List.of(), false);

    /** A recorded CreateEndpoint. */
    public record CreateEndpoint(String network, EndpointSpec spec) {}

    /** A fake whose ReleaseAddress only records the call. */
    public FakeClusterService() {
        this(null);
    }

    /** A fake whose ReleaseAddress is passed to {@code ipam}. */
    public FakeClusterService(IpamService ipam) {
        this.ipam = ipam;
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        fail();
        if (ipam != null) {
            ipam.releaseAddress(poolId, address);
        } else {
            calls.add("releaseAddress " + poolId + " " + address);
        }
    }

    @Override
    public void start() {
        calls.add("start");
    }

    @Override
    public void createNetwork(NetworkSpec spec) {
        calls.add(spec);
        fail();
    }

    @Override
    public void deleteNetwork(String networkId) {
        calls.add("deleteNetwork " + networkId);
        fail();
    }

    @Override
    public EndpointGrant createEndpoint(String localNetworkId, EndpointSpec spec) {
        calls.add(new CreateEndpoint(localNetworkId, spec));
        fail();
        if (spec.mac().isPresent()) {
            return new EndpointGrant(Optional.empty());
        }
        byte[] ip = spec.ipv4().map(IpPrefix::address).map(IpAddress::bytes).orElse(new byte[4]);
        return new EndpointGrant(Optional.of(MacAddress.of(new byte[] {2, 0x42, ip[0], ip[1], ip[2], ip[3]})));
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        calls.add("deleteEndpoint " + networkId + " " + endpointId);
        fail();
    }

    @Override
    public JoinResult join(String networkId, String endpointId, String sandboxKey) {
        calls.add("join " + networkId + " " + endpointId + " " + sandboxKey);
        fail();
        return joinResult;
    }

    @Override
    public void leave(String networkId, String endpointId) {
        calls.add("leave " + networkId + " " + endpointId);
        fail();
    }

    @Override
    public void nodeDiscovered(IpAddress address, boolean self, boolean added) {
        calls.add("discovered " + address.toString() + " self=" + self + " added=" + added);
        fail();
    }

    @Override
    public void close() {
        calls.add("close");
    }

    private void fail() {
        Supplier<RuntimeException> f = failure;
        if (f != null) {
            throw f.get();
        }
    }
}
