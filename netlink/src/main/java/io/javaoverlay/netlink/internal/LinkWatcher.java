package io.javaoverlay.netlink.internal;

import static io.javaoverlay.netlink.internal.wire.Rtnl.*;

import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.wire.Errors;
import io.javaoverlay.netlink.internal.wire.IfInfoMsg;
import io.javaoverlay.netlink.internal.wire.LinkCodec;
import io.javaoverlay.netlink.internal.wire.NetlinkTransport;
import io.javaoverlay.netlink.internal.wire.NlMessage;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * Reads RTNLGRP_LINK notifications on its own socket and daemon thread. The socket has a short
 * receive timeout so {@link #close()} takes effect without closing an fd under a blocked
 * {@code recvmsg} (which could hit a reused descriptor); the reader thread closes it itself.
 */
final class LinkWatcher implements LinkSubscription, Runnable {
    static final int POLL_MILLIS = 200;
    private static final Logger LOG = System.getLogger(LinkWatcher.class.getName());

    private final NetlinkTransport transport;
    private final Consumer<LinkEvent> listener;
    private final Thread thread;
    private volatile boolean closed;

    private LinkWatcher(NetlinkTransport transport, Consumer<LinkEvent> listener, String ns) {
        this.transport = transport;
        this.listener = listener;
        this.thread = new Thread(this, "jo-netlink-linkevents-" + ns);
        thread.setDaemon(true);
    }

    static LinkWatcher start(NetlinkTransport transport, Consumer<LinkEvent> listener, String ns) {
        LinkWatcher w = new LinkWatcher(transport, listener, ns);
        w.thread.start();
        return w;
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                NetlinkTransport.Datagram d;
                try {
                    d = transport.receive();
                } catch (NetlinkException e) {
                    if (e.errno() == Errors.EAGAIN) {
                        continue; // poll timeout: re-check closed
                    }
                    if (e.errno() == Errors.ENOBUFS) {
                        deliver(new LinkEvent.Overflow()); // events were dropped; the listener resyncs
                        continue;
                    }
                    if (!closed) {
                        LOG.log(Level.ERROR, "link event socket failed; subscription ends", e);
                    }
                    return;
                }
                if (d.senderPort() != 0) {
                    continue;
                }
                try {
                    for (NlMessage m : NlMessage.parseAll(d.data())) {
                        int type = m.header().type();
                        if ((type == RTM_NEWLINK || type == RTM_DELLINK) && !describesTheLink(m)) {
                            continue;
                        }
                        if (type == RTM_NEWLINK) {
                            deliver(new LinkEvent.Changed(LinkCodec.decode(m)));
                        } else if (type == RTM_DELLINK) {
                            deliver(new LinkEvent.Deleted(LinkCodec.decode(m)));
                        }
                    }
                } catch (IllegalArgumentException e) {
                    // A malformed notification is lost like an overflowed one: tell the listener to resync.
                    LOG.log(Level.WARNING, "malformed link notification; reporting overflow", e);
                    deliver(new LinkEvent.Overflow());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "link event decoding failed; subscription ends", e);
        } finally {
            transport.close();
        }
    }

    /**
     * True for a notification about the link itself (ifi_family AF_UNSPEC). The bridge sends its own
     * AF_BRIDGE RTM_NEWLINK/RTM_DELLINK to the same group when a port joins, changes its port settings
     * or leaves the bridge ({@code br_ifinfo_notify}): an AF_BRIDGE RTM_DELLINK means "no longer a
     * port", not "deleted", and neither carries the link's alias or kind, so they are no link events.
     */
    private static boolean describesTheLink(NlMessage m) {
        return m.fits(IfInfoMsg.SIZE) && IfInfoMsg.parse(m.payload()).family() != AF_BRIDGE;
    }

    private void deliver(LinkEvent event) {
        if (closed) {
            return;
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "link event listener threw; continuing", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
