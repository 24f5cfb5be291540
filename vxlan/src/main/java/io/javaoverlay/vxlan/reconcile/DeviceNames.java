package io.javaoverlay.vxlan.reconcile;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names and ownership marks of the devices javaoverlay creates in the host namespace. Names are
 * at most 15 bytes ({@code jo-vx-16777215} is 14). The alias proves ownership to the garbage
 * collector: {@code javaoverlay:<networkId>} on bridge and vxlan,
 * {@code javaoverlay:<networkId>/<endpointId>} on a host-end veth.
 */
public final class DeviceNames {
    public static final String ALIAS_PREFIX = "javaoverlay:";
    private static final Pattern OWNED_NAME = Pattern.compile("jo-(br|vx)-\\d{1,8}|jo-[hc]-[0-9A-Za-z._-]{1,8}");

    private DeviceNames() {}

    /** Bridge of a network: {@code jo-br-<vni>}. */
    public static String bridge(int vni) {
        return "jo-br-" + vni;
    }

    /** VXLAN device of a network: {@code jo-vx-<vni>}. */
    public static String vxlan(int vni) {
        return "jo-vx-" + vni;
    }

    /** Host end of an endpoint's veth pair: stays on the bridge. */
    public static String hostEnd(String endpointId) {
        return "jo-h-" + shortId(endpointId);
    }

    /** Container end of an endpoint's veth pair: Docker moves it into the sandbox. */
    public static String containerEnd(String endpointId) {
        return "jo-c-" + shortId(endpointId);
    }

    /** Ownership alias of bridge and vxlan: {@code javaoverlay:<networkId>}. */
    public static String networkAlias(String networkId) {
        return ALIAS_PREFIX + networkId;
    }

    /** Ownership alias of a host end: {@code javaoverlay:<networkId>/<endpointId>}. */
    public static String endpointAlias(String networkId, String endpointId) {
        return portAliasPrefix(networkId) + endpointId;
    }

    /** What every host end's alias in network {@code networkId} starts with: {@code javaoverlay:<networkId>/}. */
    public static String portAliasPrefix(String networkId) {
        return networkAlias(networkId) + "/";
    }

    /** True when the name has the shape of a javaoverlay device. */
    public static boolean hasOwnedName(String name) {
        return OWNED_NAME.matcher(name).matches();
    }

    /** True for {@code jo-h-*} names. */
    public static boolean isHostEnd(String name) {
        return name.startsWith("jo-h-");
    }

    /** The VNI encoded in a {@code jo-br-N} / {@code jo-vx-N} name. */
    public static Optional<Integer> vniOf(String name) {
        Matcher m = Pattern.compile("jo-(?:br|vx)-(\\d{1,8})").matcher(name);
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** Parsed ownership alias. {@code endpointId} is empty for network devices. */
    public record Owner(String networkId, Optional<String> endpointId) {}

    /** Parses a {@code javaoverlay:...} alias; anything else (absent, foreign) is empty. */
    public static Optional<Owner> parseAlias(Optional<String> alias) {
        if (alias.isEmpty() || !alias.get().startsWith(ALIAS_PREFIX)) {
            return Optional.empty();
        }
        String rest = alias.get().substring(ALIAS_PREFIX.length());
        int slash = rest.indexOf('/');
        if (rest.isEmpty() || slash == 0) {
            return Optional.empty();
        }
        return slash < 0 ? Optional.of(new Owner(rest, Optional.empty()))
                : Optional.of(new Owner(rest.substring(0, slash), Optional.of(rest.substring(slash + 1))));
    }

    private static String shortId(String endpointId) {
        return endpointId.length() <= 8 ? endpointId : endpointId.substring(0, 8);
    }
}
