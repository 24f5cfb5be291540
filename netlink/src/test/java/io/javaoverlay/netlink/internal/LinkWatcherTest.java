package io.javaoverlay.netlink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.internal.wire.Errors;
import io.javaoverlay.netlink.internal.wire.Fixtures;
import io.javaoverlay.netlink.internal.wire.NetlinkTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Event decoding and ENOBUFS → Overflow, with a scripted transport. */
class LinkWatcherTest {

    /** Replays a script of datagrams or errnos, then reports EAGAIN (poll timeout) until closed. */
    private static final class Script implements NetlinkTransport {
        private final BlockingQueue<Object> steps = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int portId() {
            return 1;
        }

        @Override
        public void send(byte[] message) {
        }

        @Override
        public Datagram receive() throws NetlinkException {
            Object step;
            try {
                step = steps.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw Errors.of(Errors.EINTR, "recv", null);
            }
            if (step == null) {
                throw Errors.of(Errors.EAGAIN, "recv", null);
            }
            if (step instanceof Integer errno) {
                throw Errors.of(errno, "recv", null);
            }
            return new Datagram(ByteBuffer.wrap((byte[]) step).order(ByteOrder.nativeOrder()), 0);
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void decodesNewAndDelLinkAndReportsOverflow() throws Exception {
        Script s = new Script();
        byte[] newLink = Fixtures.one("getlink-vxlan.hex");
        byte[] delLink = newLink.clone();
        ByteBuffer.wrap(delLink).order(ByteOrder.nativeOrder()).putShort(4, (short) 17); // RTM_DELLINK
        s.steps.addAll(List.of(newLink, Errors.ENOBUFS, delLink));
        LinkedBlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        LinkWatcher w = LinkWatcher.start(s, events::add, "test");
        LinkEvent first = events.poll(10, TimeUnit.SECONDS);
        LinkEvent second = events.poll(10, TimeUnit.SECONDS);
        LinkEvent third = events.poll(10, TimeUnit.SECONDS);
        w.close();
        assertInstanceOf(Vxlan.class, assertInstanceOf(LinkEvent.Changed.class, first).link());
        assertInstanceOf(LinkEvent.Overflow.class, second);
        assertEquals("jo-vx0", assertInstanceOf(LinkEvent.Deleted.class, third).link().name());
        assertTrue(s.closed.await(10, TimeUnit.SECONDS), "the reader closes its socket");
    }

    /**
     * The bridge's own AF_BRIDGE notifications (a port joined, changed its settings or left the bridge)
     * share the group: they are not link events. An AF_BRIDGE RTM_DELLINK would otherwise claim that a
     * link still there was deleted.
     */
    @Test
    void bridgePortNotificationsAreNotLinkEvents() throws Exception {
        Script s = new Script();
        byte[] newLink = Fixtures.one("getlink-vxlan.hex");
        byte[] portLeft = newLink.clone();
        ByteBuffer b = ByteBuffer.wrap(portLeft).order(ByteOrder.nativeOrder());
        b.putShort(4, (short) 17); // RTM_DELLINK
        b.put(16, (byte) 7);       // ifi_family AF_BRIDGE
        byte[] portChanged = newLink.clone();
        portChanged[16] = 7;
        s.steps.addAll(List.of(portLeft, portChanged, newLink));
        LinkedBlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        LinkWatcher w = LinkWatcher.start(s, events::add, "test");
        LinkEvent first = events.poll(10, TimeUnit.SECONDS);
        LinkEvent second = events.poll(300, TimeUnit.MILLISECONDS);
        w.close();
        assertInstanceOf(LinkEvent.Changed.class, first, "only the AF_UNSPEC notification is an event");
        assertEquals(null, second, "no event for the bridge's notifications");
    }

    @Test
    void aThrowingListenerDoesNotEndTheSubscription() throws Exception {
        Script s = new Script();
        byte[] newLink = Fixtures.one("getlink-vxlan.hex");
        s.steps.addAll(List.of(newLink, newLink));
        CountDownLatch two = new CountDownLatch(2);
        LinkWatcher w = LinkWatcher.start(s, e -> {
            two.countDown();
            throw new IllegalStateException("listener bug");
        }, "test");
        assertTrue(two.await(10, TimeUnit.SECONDS));
        w.close();
    }
}
