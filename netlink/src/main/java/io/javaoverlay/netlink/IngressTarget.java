package io.javaoverlay.netlink;

/**
 * Where ingress filters live: one device's {@code clsact} ingress, or a shared filter block that
 * the {@code clsact} qdiscs of several devices use ({@code tc qdisc add dev D clsact ingress_block N};
 * {@code tc filter add block N ...}). A block exists while a qdisc refers to it.
 *
 * @param ifindex the device, or 0 for a block
 * @param block   the block index, or 0 for a device
 */
public record IngressTarget(int ifindex, int block) {
    public IngressTarget {
        if ((ifindex > 0) == (block > 0) || ifindex < 0 || block < 0) {
            throw new IllegalArgumentException("an ingress target is a device or a block: ifindex " + ifindex
                    + ", block " + block);
        }
    }

    /** The ingress of device {@code ifindex}. */
    public static IngressTarget device(int ifindex) {
        return new IngressTarget(ifindex, 0);
    }

    /** Shared block {@code index}. */
    public static IngressTarget block(int index) {
        return new IngressTarget(0, index);
    }

    @Override
    public String toString() {
        return ifindex > 0 ? "ingress of ifindex " + ifindex : "filter block " + Integer.toUnsignedString(block);
    }
}
