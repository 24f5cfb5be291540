package io.javaoverlay.kvstore.local;

import java.nio.charset.StandardCharsets;

/** Counter values as UTF-8 decimal bytes, as {@link LocalStoreChild} writes them. */
final class LocalStoreChildBytes {
    private LocalStoreChildBytes() {
    }

    static byte[] of(long n) {
        return Long.toString(n).getBytes(StandardCharsets.UTF_8);
    }
}
