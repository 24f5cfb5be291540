package io.javaoverlay.server.protocol;

/**
 * Every endpoint path of Docker's remote IpamDriver API (without the leading {@code /}), spelled as
 * Docker's plugin client posts it (protocol doc section 3). The resource's {@code @Path}s, the
 * handlers' messages and the tests use these constants; the bodies are in {@link IpamDriverMessages}.
 */
public final class IpamDriverApi {
    private IpamDriverApi() {
    }

    public static final String GET_CAPABILITIES = "IpamDriver.GetCapabilities";
    public static final String GET_DEFAULT_ADDRESS_SPACES = "IpamDriver.GetDefaultAddressSpaces";
    public static final String REQUEST_POOL = "IpamDriver.RequestPool";
    public static final String RELEASE_POOL = "IpamDriver.ReleasePool";
    public static final String REQUEST_ADDRESS = "IpamDriver.RequestAddress";
    public static final String RELEASE_ADDRESS = "IpamDriver.ReleaseAddress";
}
