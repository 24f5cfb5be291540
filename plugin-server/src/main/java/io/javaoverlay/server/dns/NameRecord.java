package io.javaoverlay.server.dns;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The DNS names of one endpoint (one container on one javaoverlay network), as its owning host
 * learned them from Docker and published them under {@code names/<hostId>/<endpointId>}
 * ({@link NameKeys}). Every host reads every record; the resolver answers a name only to
 * containers on the same cluster network.
 *
 * <p>Names are kept lower case (DNS compares names case-insensitively). Addresses are kept as
 * text so the JSON form is stable; {@link #ipv4Address()} and {@link #ipv6Address()} parse them.
 *
 * @param clusterNetworkId the cluster network ID (the same on every host, see vxlan's {@code netalias/})
 * @param networkName      the Docker network name (the same on every host); the DNS domain of {@code NAME.NETWORK}
 * @param endpointId       Docker's endpoint ID
 * @param hostId           the host that owns the container and the record
 * @param containerId      Docker's container ID
 * @param containerName    the container name without Docker's leading {@code /}
 * @param aliases          {@code --network-alias} aliases on this network (and Docker's short-ID alias, if the
 *                         publisher chooses to include it)
 * @param ipv4             overlay IPv4 address, or null
 * @param ipv6             overlay IPv6 address, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NameRecord(String clusterNetworkId, String networkName, String endpointId, String hostId,
                         String containerId, String containerName, List<String> aliases, String ipv4, String ipv6) {

    /** A DNS label sequence as Docker allows in container names and aliases ([a-z0-9_.-], no empty labels). */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*");

    public NameRecord {
        requireToken(clusterNetworkId, "clusterNetworkId");
        requireToken(endpointId, "endpointId");
        requireToken(hostId, "hostId");
        requireToken(containerId, "containerId");
        networkName = requireText(networkName, "networkName");
        containerName = requireText(stripSlash(containerName), "containerName");
        TreeSet<String> a = new TreeSet<>();
        if (aliases != null) {
            for (String s : aliases) {
                String n = normalize(s);
                // Docker accepts aliases that are not DNS names; they can never be queried, so drop them.
                if (n != null && DNS_NAME.matcher(n).matches() && !n.equals(containerName)) {
                    a.add(n);
                }
            }
        }
        aliases = List.copyOf(a);
        ipv4 = canonical(ipv4, Inet4Address.class, "ipv4");
        ipv6 = canonical(ipv6, Inet6Address.class, "ipv6");
        if (ipv4 == null && ipv6 == null) {
            throw new IllegalArgumentException("name record of endpoint " + endpointId + " has no address");
        }
    }

    /**
     * Every name this endpoint answers to: the container name (if it is a DNS name; Docker allows
     * names that are not, e.g. with a label over 63 characters), then the aliases.
     */
    @JsonIgnore
    public List<String> names() {
        List<String> out = new ArrayList<>(1 + aliases.size());
        if (isDnsName(containerName)) {
            out.add(containerName);
        }
        out.addAll(aliases);
        return out;
    }

    /** The parsed IPv4 address, or null. */
    @JsonIgnore
    public Inet4Address ipv4Address() {
        return ipv4 == null ? null : (Inet4Address) literal(ipv4);
    }

    /** The parsed IPv6 address, or null. */
    @JsonIgnore
    public Inet6Address ipv6Address() {
        return ipv6 == null ? null : (Inet6Address) literal(ipv6);
    }

    /** True when {@code s} is a name the resolver can hold (lower case, DNS labels). */
    public static boolean isDnsName(String s) {
        return s != null && s.length() <= 253 && DNS_NAME.matcher(s).matches();
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private static String normalize(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String requireText(String s, String what) {
        String n = normalize(s);
        if (n == null || n.isEmpty() || n.length() > 255) {
            throw new IllegalArgumentException("name record: " + what + " '" + s + "' is empty or too long");
        }
        return n;
    }

    private static void requireToken(String s, String what) {
        Objects.requireNonNull(s, what);
        if (!NameKeys.isValidToken(s)) {
            throw new IllegalArgumentException("name record: invalid " + what + " '" + s + "'");
        }
    }

    private static String canonical(String ip, Class<? extends InetAddress> kind, String what) {
        if (ip == null || ip.isBlank()) {
            return null;
        }
        String bare = ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip;
        InetAddress a = literal(bare);
        if (!kind.isInstance(a)) {
            throw new IllegalArgumentException("name record: " + what + " '" + ip + "' is not an " + what + " address");
        }
        return a.getHostAddress();
    }

    /** Parses an IP literal without ever doing a DNS lookup. */
    static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || !(s.indexOf(':') >= 0 || s.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(s); // a literal: no lookup happens
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address", e);
        }
    }
}
