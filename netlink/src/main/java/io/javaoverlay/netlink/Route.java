package io.javaoverlay.netlink;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.util.Objects;
import java.util.Optional;

/**
 * A route. {@code destination} empty means the default route.
 *
 * @param table    routing table id (254 = main)
 * @param protocol RTPROT_* (4 = static)
 * @param scope    RT_SCOPE_* (0 = universe, 253 = link)
 * @param type     RTN_* (1 = unicast)
 */
public record Route(Family family, Optional<IpPrefix> destination, Optional<IpAddress> gateway,
                    int outputIndex, Optional<IpAddress> preferredSource, int table, int protocol,
                    int scope, int type) {

    /** The main routing table ({@code ip route ... table main}). */
    public static final int RT_TABLE_MAIN = 254;
    /** Installed by an administrator or daemon ({@code proto static}). */
    public static final int RTPROT_STATIC = 4;
    /** A route via a gateway ({@code scope global}). */
    public static final int RT_SCOPE_UNIVERSE = 0;
    /** A directly attached destination ({@code scope link}). */
    public static final int RT_SCOPE_LINK = 253;
    /** An ordinary unicast route ({@code type unicast}). */
    public static final int RTN_UNICAST = 1;

    public Route {
        Objects.requireNonNull(family, "family");
        destination = Objects.requireNonNullElse(destination, Optional.empty());
        gateway = Objects.requireNonNullElse(gateway, Optional.empty());
        preferredSource = Objects.requireNonNullElse(preferredSource, Optional.empty());
    }

    /** A static unicast route in the main table via a gateway. */
    public static Route via(IpPrefix destination, IpAddress gateway, int outputIndex) {
        return new Route(Family.of(destination.address()), Optional.of(destination), Optional.of(gateway), outputIndex,
                Optional.empty(), RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST);
    }

    /** A static on-link route in the main table. */
    public static Route onLink(IpPrefix destination, int outputIndex) {
        return new Route(Family.of(destination.address()), Optional.of(destination), Optional.empty(), outputIndex,
                Optional.empty(), RT_TABLE_MAIN, RTPROT_STATIC, RT_SCOPE_LINK, RTN_UNICAST);
    }
}
