package io.javaoverlay.netlink.internal.sys;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.wire.Errors;
import io.javaoverlay.netlink.internal.wire.NetlinkTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.javaoverlay.netlink.internal.sys.Ffi.LibC;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A bound {@code AF_NETLINK} socket ({@code NETLINK_ROUTE} unless opened for another protocol). It
 * lives in the network namespace of the thread that opened it, for its whole life, whichever thread
 * uses it later. Receives go through
 * {@code recvmsg} so the sender's port id (0 = kernel) and {@code MSG_TRUNC} are visible.
 */
public final class SysTransport implements NetlinkTransport {
    /** Kernel dump skbs are capped at 32 KiB; twice that can never truncate. */
    private static final int RECV_BUFFER = 64 * 1024;
    private static final int MSG_TRUNC = 0x20;
    // struct msghdr on LP64: name(8) namelen(4)+pad(4) iov(8) iovlen(8) control(8) controllen(8) flags(4)+pad(4)
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_FLAGS_OFFSET = 48;

    private final int fd;
    private final int portId;
    private final Pointer data;
    private final Pointer name;
    private final Pointer msghdr;
    /** Referenced only from msghdr; kept here because jnr frees direct memory when its Pointer is collected. */
    private final Pointer iov;
    private volatile boolean closed;

    private SysTransport(int fd, int portId) {
        this.fd = fd;
        this.portId = portId;
        jnr.ffi.Runtime rt = Native.runtime();
        data = Memory.allocateDirect(rt, RECV_BUFFER);
        name = Memory.allocateDirect(rt, 12);
        iov = Memory.allocateDirect(rt, 16);
        iov.putAddress(0, data.address());
        iov.putLong(8, RECV_BUFFER);
        msghdr = Memory.allocateDirect(rt, MSGHDR_SIZE);
        msghdr.putAddress(0, name.address());
        msghdr.putAddress(16, iov.address());
        msghdr.putLong(24, 1);
    }

    /**
     * Opens and binds a NETLINK_ROUTE socket in the calling thread's namespace.
     *
     * @param groups        legacy multicast group mask (RTMGRP_LINK for link events, 0 for requests)
     * @param rcvTimeoutMillis SO_RCVTIMEO; a receive that waits longer fails with EAGAIN
     */
    public static SysTransport open(int groups, int rcvTimeoutMillis) throws NetlinkException {
        return open(NETLINK_ROUTE, groups, rcvTimeoutMillis);
    }

    /**
     * Opens and binds a netlink socket of {@code protocol} (NETLINK_ROUTE, or NETLINK_GENERIC for
     * generic netlink families such as ethtool) in the calling thread's namespace.
     */
    public static SysTransport open(int protocol, int groups, int rcvTimeoutMillis) throws NetlinkException {
        LibC c = Native.libc();
        String proto = protocol == NETLINK_ROUTE ? "NETLINK_ROUTE" : "protocol " + protocol;
        int fd = c.socket(AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw Native.fail("socket(AF_NETLINK, " + proto + ")");
        }
        try {
            // Extended ACK gives the kernel's error text; CAP_ACK stops it echoing whole requests.
            // Both are best effort: old kernels reject them with ENOPROTOOPT.
            c.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, Native.intOpt(1), 4);
            c.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, Native.intOpt(1), 4);
            if (groups != 0) {
                c.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, Native.intOpt(1 << 20), 4);
            }
            if (rcvTimeoutMillis > 0
                    && c.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, Native.timeval(rcvTimeoutMillis), 16) != 0) {
                throw Native.fail("setsockopt(SO_RCVTIMEO)");
            }
            if (c.bind(fd, Native.sockaddrNl(0, groups), 12) != 0) {
                throw Native.fail("bind(AF_NETLINK)");
            }
            byte[] addr = new byte[12];
            int[] len = {12};
            if (c.getsockname(fd, addr, len) != 0) {
                throw Native.fail("getsockname(AF_NETLINK)");
            }
            int pid = ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder()).getInt(4);
            return new SysTransport(fd, pid);
        } catch (NetlinkException | RuntimeException e) {
            c.close(fd);
            throw e;
        }
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void send(byte[] message) throws NetlinkException {
        byte[] kernel = Native.sockaddrNl(0, 0);
        long n;
        do {
            n = Native.libc().sendto(fd, message, message.length, 0, kernel, 12);
        } while (n < 0 && Native.errno() == Errors.EINTR && !closed);
        if (n < 0) {
            throw Native.fail("sendto(AF_NETLINK)");
        }
    }

    @Override
    public synchronized Datagram receive() throws NetlinkException {
        long n;
        do {
            if (closed) {
                throw Errors.local("recvmsg(AF_NETLINK)", "socket closed");
            }
            msghdr.putInt(8, 12);
            msghdr.putInt(MSG_FLAGS_OFFSET, 0);
            n = Native.libc().recvmsg(fd, msghdr, 0);
        } while (n < 0 && Native.errno() == Errors.EINTR);
        if (n < 0) {
            throw Native.fail("recvmsg(AF_NETLINK)");
        }
        if ((msghdr.getInt(MSG_FLAGS_OFFSET) & MSG_TRUNC) != 0) {
            throw Errors.local("recvmsg(AF_NETLINK)", "datagram truncated (MSG_TRUNC) at " + RECV_BUFFER + " bytes");
        }
        byte[] out = new byte[(int) n];
        data.get(0, out, 0, out.length);
        int sender = name.getInt(4);
        return new Datagram(ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()), sender);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.close(fd);
        }
    }
}
