package io.javaoverlay.netlink;

import io.javaoverlay.types.MacAddress;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Attributes shared by every link kind.
 *
 * @param index        ifindex; 0 in a creation spec
 * @param name         interface name, 1..15 bytes
 * @param mtu          MTU; 0 in a creation spec means the kernel default
 * @param hardwareAddr MAC address
 * @param masterIndex  ifindex of the master (bridge), 0 for none
 * @param up           administratively up (IFF_UP)
 * @param lowerUp      carrier (IFF_LOWER_UP); ignored in a creation spec
 * @param alias        IFLA_IFALIAS
 * @param txQueueLen   IFLA_TXQLEN, packets; 0 in a creation spec means the kernel default
 * @param gsoMaxSize   IFLA_GSO_MAX_SIZE, bytes: the largest GSO packet the stack builds for this link; 0 = default
 * @param groMaxSize   IFLA_GRO_MAX_SIZE, bytes: the largest packet GRO aggregates on this link; 0 = default
 * @param numTxQueues  IFLA_NUM_TX_QUEUES; fixed at creation, 0 = the kind's default
 * @param numRxQueues  IFLA_NUM_RX_QUEUES; fixed at creation, 0 = the kind's default
 */
public record LinkAttrs(int index, String name, int mtu, Optional<MacAddress> hardwareAddr,
                        int masterIndex, boolean up, boolean lowerUp, Optional<String> alias,
                        int txQueueLen, int gsoMaxSize, int groMaxSize, int numTxQueues, int numRxQueues) {

    /** IFNAMSIZ - 1: the longest interface name the kernel accepts, in bytes. */
    public static final int MAX_NAME_BYTES = 15;

    public LinkAttrs {
        Objects.requireNonNull(name, "name");
        int len = name.getBytes(StandardCharsets.UTF_8).length;
        if (len == 0 || len > MAX_NAME_BYTES || name.contains("/") || name.isBlank()) {
            throw new IllegalArgumentException("invalid interface name '" + name + "': 1.." + MAX_NAME_BYTES + " bytes, no '/'");
        }
        if (mtu < 0) {
            throw new IllegalArgumentException("negative MTU " + mtu);
        }
        if (txQueueLen < 0 || gsoMaxSize < 0 || groMaxSize < 0 || numTxQueues < 0 || numRxQueues < 0) {
            throw new IllegalArgumentException("negative queue length, GSO/GRO size or queue count for '" + name + "'");
        }
        hardwareAddr = Objects.requireNonNullElse(hardwareAddr, Optional.empty());
        alias = Objects.requireNonNullElse(alias, Optional.empty());
    }

    /** The original eight-field shape: queue and offload sizes left at the kernel's defaults (0). */
    public LinkAttrs(int index, String name, int mtu, Optional<MacAddress> hardwareAddr, int masterIndex, boolean up,
                     boolean lowerUp, Optional<String> alias) {
        this(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, alias, 0, 0, 0, 0, 0);
    }

    /** A creation spec with only a name. */
    public static LinkAttrs named(String name) {
        return new LinkAttrs(0, name, 0, Optional.empty(), 0, false, false, Optional.empty());
    }

    /** A copy with another MTU (0 = kernel default). Equivalent to {@code ip link ... mtu MTU}. */
    public LinkAttrs withMtu(int newMtu) {
        return new LinkAttrs(index, name, newMtu, hardwareAddr, masterIndex, up, lowerUp, alias, txQueueLen, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy with a MAC address. Equivalent to {@code ip link ... address MAC}. */
    public LinkAttrs withHardwareAddr(MacAddress mac) {
        return new LinkAttrs(index, name, mtu, Optional.of(mac), masterIndex, up, lowerUp, alias, txQueueLen, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy enslaved to {@code newMasterIndex} (0 = none). Equivalent to {@code ip link ... master DEV}. */
    public LinkAttrs withMaster(int newMasterIndex) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, newMasterIndex, up, lowerUp, alias, txQueueLen, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy that is (or is not) administratively up. Equivalent to {@code ip link ... up}. */
    public LinkAttrs withUp(boolean newUp) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, newUp, lowerUp, alias, txQueueLen, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy with an alias. Equivalent to {@code ip link ... alias ALIAS}. */
    public LinkAttrs withAlias(String newAlias) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, Optional.of(newAlias), txQueueLen, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy with another transmit queue length. Equivalent to {@code ip link ... txqueuelen N}. */
    public LinkAttrs withTxQueueLen(int packets) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, alias, packets, gsoMaxSize,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy with another GSO size limit. Equivalent to {@code ip link ... gso_max_size BYTES}. */
    public LinkAttrs withGsoMaxSize(int bytes) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, alias, txQueueLen, bytes,
                groMaxSize, numTxQueues, numRxQueues);
    }

    /** A copy with another GRO size limit. Equivalent to {@code ip link ... gro_max_size BYTES}. */
    public LinkAttrs withGroMaxSize(int bytes) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, alias, txQueueLen, gsoMaxSize,
                bytes, numTxQueues, numRxQueues);
    }

    /**
     * A copy with {@code tx} transmit and {@code rx} receive queues, for a creation spec (the counts
     * cannot change later). Equivalent to {@code ip link add ... numtxqueues TX numrxqueues RX}.
     */
    public LinkAttrs withNumQueues(int tx, int rx) {
        return new LinkAttrs(index, name, mtu, hardwareAddr, masterIndex, up, lowerUp, alias, txQueueLen, gsoMaxSize,
                groMaxSize, tx, rx);
    }
}
