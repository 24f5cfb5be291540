package io.javaoverlay.server.resource;

import java.util.Objects;

/**
 * The static answers to Docker's registration calls. They never touch the store: a failure there
 * would leave the driver unregistered until dockerd restarts.
 *
 * @param scope                 {@code local} or {@code global} (NetworkDriver.GetCapabilities Scope)
 * @param localAddressSpace     IpamDriver.GetDefaultAddressSpaces LocalDefaultAddressSpace
 * @param globalAddressSpace    IpamDriver.GetDefaultAddressSpaces GlobalDefaultAddressSpace
 */
public record DriverSettings(String scope, String localAddressSpace, String globalAddressSpace) {
    /** Default LocalDefaultAddressSpace. */
    public static final String DEFAULT_LOCAL_SPACE = "JavaOverlayLocal";
    /** Default GlobalDefaultAddressSpace. */
    public static final String DEFAULT_GLOBAL_SPACE = "JavaOverlayGlobal";

    public DriverSettings {
        Objects.requireNonNull(scope, "scope");
        if (!scope.equals("local") && !scope.equals("global")) {
            throw new IllegalArgumentException("scope must be 'local' or 'global', got '" + scope + "'");
        }
        Objects.requireNonNull(localAddressSpace, "localAddressSpace");
        Objects.requireNonNull(globalAddressSpace, "globalAddressSpace");
    }

    /** Defaults with the given scope. */
    public static DriverSettings withScope(String scope) {
        return new DriverSettings(scope, DEFAULT_LOCAL_SPACE, DEFAULT_GLOBAL_SPACE);
    }
}
