package io.javaoverlay.netlink;

import java.util.Objects;
import java.util.Optional;

/**
 * One end of a veth pair. As a creation spec, {@code peerName} names the other end and
 * {@code peerNamespace}, when present, creates it directly in that namespace; a non-zero MTU and
 * non-zero queue counts in {@code attrs} are applied to both ends. As read back from
 * the kernel, {@code peerName} is empty (the kernel reports only the peer's ifindex) and
 * {@code peerIndex} is set when the kernel reports it.
 * Equivalent to {@code ip link add NAME [numtxqueues N numrxqueues N] type veth peer name PEER
 * [numtxqueues N numrxqueues N] [netns NS]}.
 */
public record Veth(LinkAttrs attrs, String peerName, Optional<NetNs> peerNamespace, int peerIndex) implements Link {
    public Veth {
        Objects.requireNonNull(peerName, "peerName");
        peerNamespace = Objects.requireNonNullElse(peerNamespace, Optional.empty());
    }

    /** A creation spec for a pair in the handle's own namespace. */
    public static Veth pair(LinkAttrs attrs, String peerName) {
        return new Veth(attrs, peerName, Optional.empty(), 0);
    }

    @Override
    public String kind() {
        return "veth";
    }
}
