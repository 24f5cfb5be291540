package io.javaoverlay.vxlan;

import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.types.OverlayException.Kind;

import io.javaoverlay.types.OverlayException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver options javaoverlay understands ({@code docker network create -o KEY=VALUE}), parsed
 * and validated. Unknown {@code javaoverlay.*} keys are refused (a typo would otherwise be
 * silently ignored); other keys (Docker's own) are kept as given.
 *
 * @param vni        {@code javaoverlay.vni}: an explicit VNI
 * @param mtu        {@code com.docker.network.driver.mtu}: the container MTU
 * @param clusterId  {@code javaoverlay.cluster-id}: the cluster network this host's Docker network
 *                   joins (set by the replicator on hosts other than the creator's)
 * @param bum        {@code javaoverlay.bum}: what happens to broadcast, unknown-unicast and multicast
 *                   frames ({@link Bum#OFF} unless given)
 */
public record NetworkOptions(Optional<Integer> vni, Optional<Integer> mtu, Optional<String> clusterId, Bum bum) {
    public static final String VNI = "javaoverlay.vni";
    public static final String MTU = "com.docker.network.driver.mtu";
    public static final String CLUSTER_ID = "javaoverlay.cluster-id";
    /** {@code -o javaoverlay.bum=off|replicate}: broadcast and multicast across hosts (head-end replication). */
    public static final String BUM = "javaoverlay.bum";
    private static final Set<String> KNOWN = Set.of(VNI, CLUSTER_ID, BUM);

    /**
     * Broadcast and multicast handling of a network. {@link #OFF}: such frames stay on the host that
     * sent them (ARP and ND are answered locally either way). {@link #REPLICATE}: the sending host
     * copies each one to every other host that has an endpoint in the network (head-end replication),
     * one copy per host.
     */
    public enum Bum {
        OFF, REPLICATE;

        /** The option's spelling ({@code off}, {@code replicate}). */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The values the option accepts, in its spelling. */
        public static List<String> spellings() {
            return java.util.Arrays.stream(values()).map(Bum::value).toList();
        }
    }

    /**
     * The BUM mode in already validated options (a stored network record's): {@link Bum#REPLICATE}
     * only for {@code javaoverlay.bum=replicate}.
     */
    public static Bum bumOf(Map<String, String> options) {
        String v = options.get(BUM);
        return v != null && v.trim().equals(Bum.REPLICATE.value()) ? Bum.REPLICATE : Bum.OFF;
    }

    /** Parses the options of network {@code networkId}. @throws OverlayException INVALID_REQUEST */
    public static NetworkOptions parse(String networkId, Map<String, String> options) {
        Set<String> unknown = new TreeSet<>();
        for (String k : options.keySet()) {
            if (k.startsWith("javaoverlay.") && !KNOWN.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": unknown driver option(s) "
                    + unknown + "; javaoverlay knows " + new TreeSet<>(KNOWN) + " and " + MTU);
        }
        Optional<Integer> vni = integer(networkId, options, VNI, 1, Vxlan.MAX_VNI);
        Optional<Integer> mtu = integer(networkId, options, MTU, 68, 65535);
        Optional<String> clusterId = Optional.ofNullable(options.get(CLUSTER_ID)).map(String::trim);
        if (clusterId.isPresent() && !io.javaoverlay.vxlan.state.NetworkKeys.isValidId(clusterId.get())) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": option " + CLUSTER_ID + "='"
                    + clusterId.get() + "' is not a network ID");
        }
        return new NetworkOptions(vni, mtu, clusterId, bum(networkId, options));
    }

    private static Bum bum(String networkId, Map<String, String> options) {
        String v = options.get(BUM);
        if (v == null) {
            return Bum.OFF;
        }
        for (Bum b : Bum.values()) {
            if (b.value().equals(v.trim())) {
                return b;
            }
        }
        throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": option " + BUM + "='" + v
                + "' is not one of " + Bum.spellings() + " (replicate copies broadcast and multicast frames to"
                + " every host of the network; off, the default, keeps them on the sending host)");
    }

    /**
     * Checks an explicit container MTU against what the underlay can carry and what IPv6 needs.
     *
     * @throws OverlayException INVALID_REQUEST with the numbers
     */
    public void checkMtu(String networkId, VxlanConfig config, boolean ipv6) {
        if (mtu.isEmpty()) {
            return;
        }
        int want = mtu.get();
        int max = config.maxContainerMtu();
        if (want > max) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": " + MTU + "=" + want
                    + " is too large: the underlay device " + config.underlay().deviceName() + " has MTU "
                    + config.underlay().mtu() + " and VXLAN needs " + config.overhead()
                    + " bytes, so the container MTU can be at most " + max);
        }
        if (ipv6 && want < 1280) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": " + MTU + "=" + want
                    + " is below 1280, the minimum MTU of IPv6");
        }
    }

    private static Optional<Integer> integer(String networkId, Map<String, String> options, String key, int min,
                                             int max) {
        String v = options.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return Optional.of(n);
        } catch (NumberFormatException e) {
            throw new OverlayException(Kind.INVALID_REQUEST, "network " + networkId + ": option " + key + "='" + v
                    + "' is not a number in " + min + ".." + max);
        }
    }
}
