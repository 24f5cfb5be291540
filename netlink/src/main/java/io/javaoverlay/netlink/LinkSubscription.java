package io.javaoverlay.netlink;

import java.io.Closeable;

/** An active link-event subscription; closing it stops delivery and closes its socket. */
public interface LinkSubscription extends Closeable {
    @Override
    void close();
}
