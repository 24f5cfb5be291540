package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * Request and response bodies of Docker's remote IpamDriver API, with Docker's exact JSON names.
 * Errors never travel in-band (the IPAM's in-band field would be {@code Error}, not {@code Err}).
 */
public final class IpamDriverMessages {
    private IpamDriverMessages() {
    }

    /** {@code /IpamDriver.GetCapabilities} response. */
    public record GetCapabilitiesResponse(@JsonProperty("RequiresMACAddress") boolean requiresMacAddress,
                                          @JsonProperty("RequiresRequestReplay") boolean requiresRequestReplay) {
    }

    /** {@code /IpamDriver.GetDefaultAddressSpaces} response (static configuration, never the store). */
    public record GetDefaultAddressSpacesResponse(
            @JsonProperty("LocalDefaultAddressSpace") String localDefaultAddressSpace,
            @JsonProperty("GlobalDefaultAddressSpace") String globalDefaultAddressSpace) {
    }

    /** {@code /IpamDriver.RequestPool} request; {@code Pool}/{@code SubPool} are CIDR or {@code ""}. */
    public record RequestPoolRequest(@JsonProperty("AddressSpace") String addressSpace,
                                     @JsonProperty("Pool") String pool,
                                     @JsonProperty("SubPool") String subPool,
                                     @JsonProperty("Options") Map<String, Object> options,
                                     @JsonProperty("V6") boolean v6) {
        public RequestPoolRequest {
            options = options == null ? Map.of() : options;
        }
    }

    /** RequestPool response; {@code Data} may carry {@code com.docker.network.gateway}. */
    public record RequestPoolResponse(@JsonProperty("PoolID") String poolId,
                                      @JsonProperty("Pool") String pool,
                                      @JsonProperty("Data") Map<String, String> data) {
    }

    /** {@code /IpamDriver.ReleasePool} request. */
    public record ReleasePoolRequest(@JsonProperty("PoolID") String poolId) {
    }

    /** {@code /IpamDriver.RequestAddress} request; {@code Address} is a bare IP or {@code ""}. */
    public record RequestAddressRequest(@JsonProperty("PoolID") String poolId,
                                        @JsonProperty("Address") String address,
                                        @JsonProperty("Options") Map<String, Object> options) {
        public RequestAddressRequest {
            options = options == null ? Map.of() : options;
        }
    }

    /** RequestAddress response; {@code Address} is CIDR with the pool's prefix length. */
    public record RequestAddressResponse(@JsonProperty("Address") String address,
                                         @JsonProperty("Data") Map<String, String> data) {
    }

    /** {@code /IpamDriver.ReleaseAddress} request; {@code Address} is a bare IP. */
    public record ReleaseAddressRequest(@JsonProperty("PoolID") String poolId,
                                        @JsonProperty("Address") String address) {
    }
}
