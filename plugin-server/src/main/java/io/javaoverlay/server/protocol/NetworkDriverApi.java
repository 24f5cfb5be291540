package io.javaoverlay.server.protocol;

/**
 * Every endpoint path of Docker's remote NetworkDriver API (without the leading {@code /}), spelled
 * as Docker's plugin client posts it (protocol doc section 2). The resource's {@code @Path}s, the
 * handlers' messages and the tests use these constants; the bodies are in {@link NetworkDriverMessages}.
 */
public final class NetworkDriverApi {
    private NetworkDriverApi() {
    }

    public static final String GET_CAPABILITIES = "NetworkDriver.GetCapabilities";
    public static final String CREATE_NETWORK = "NetworkDriver.CreateNetwork";
    public static final String DELETE_NETWORK = "NetworkDriver.DeleteNetwork";
    public static final String ALLOCATE_NETWORK = "NetworkDriver.AllocateNetwork";
    public static final String FREE_NETWORK = "NetworkDriver.FreeNetwork";
    public static final String CREATE_ENDPOINT = "NetworkDriver.CreateEndpoint";
    public static final String ENDPOINT_OPER_INFO = "NetworkDriver.EndpointOperInfo";
    public static final String DELETE_ENDPOINT = "NetworkDriver.DeleteEndpoint";
    public static final String JOIN = "NetworkDriver.Join";
    public static final String LEAVE = "NetworkDriver.Leave";
    public static final String DISCOVER_NEW = "NetworkDriver.DiscoverNew";
    public static final String DISCOVER_DELETE = "NetworkDriver.DiscoverDelete";
    public static final String PROGRAM_EXTERNAL_CONNECTIVITY = "NetworkDriver.ProgramExternalConnectivity";
    public static final String REVOKE_EXTERNAL_CONNECTIVITY = "NetworkDriver.RevokeExternalConnectivity";
    public static final String GW_ALLOC_CHECK = "NetworkDriver.GwAllocCheck";
}
