package io.javaoverlay.kvstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stored key with its value and modify index.
 *
 * @param key         key relative to the store prefix
 * @param value       raw value bytes (never null; may be empty)
 * @param modifyIndex index of the last write of this key; strictly increasing per write
 */
public record KvEntry(String key, byte[] value, long modifyIndex) {
    public KvEntry {
        Objects.requireNonNull(key, "key");
        value = value == null ? new byte[0] : value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** True when the value is exactly {@code bytes} (compared in place, without a copy). */
    public boolean hasValue(byte[] bytes) {
        return Arrays.equals(value, bytes);
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvEntry e && key.equals(e.key) && modifyIndex == e.modifyIndex
                && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, modifyIndex, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "KvEntry[" + key + "@" + modifyIndex + ", " + value.length + " bytes]";
    }
}
