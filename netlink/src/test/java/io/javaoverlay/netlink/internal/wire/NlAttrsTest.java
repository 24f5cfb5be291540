package io.javaoverlay.netlink.internal.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attribute parsing by hand-made bytes: last occurrence wins, wire order for lists, masking, truncation. */
class NlAttrsTest {

    /** rtattrs of (type, u32 value) pairs, plus optional raw bytes at the end. */
    private static ByteBuffer attrs(int[][] typeValue, byte[] tail) {
        ByteBuffer b = ByteBuffer.allocate(typeValue.length * 8 + tail.length).order(ByteOrder.nativeOrder());
        for (int[] tv : typeValue) {
            b.putShort((short) 8).putShort((short) tv[0]).putInt(tv[1]);
        }
        b.put(tail);
        b.flip();
        return b;
    }

    @Test
    void lastOccurrenceWinsAndAllKeepsWireOrder() {
        NlAttrs a = NlAttrs.parse(attrs(new int[][] {{3, 10}, {5, 50}, {3, 11}, {3, 12}}, new byte[0]));
        assertEquals(12, a.u32(3).orElseThrow());
        assertEquals(50, a.u32(5).orElseThrow());
        assertTrue(a.has(5));
        assertFalse(a.has(4));
        assertFalse(a.has(400));
        assertFalse(a.has(-1));
        assertTrue(a.u32(4).isEmpty());
        // all(type) parses each occurrence as a nest: a u32 value reads as one short, truncated attribute
        assertEquals(3, a.all(3).size());
        assertEquals(List.of(), a.all(7));
    }

    @Test
    void theNestedFlagDoesNotHideAType() {
        NlAttrs a = NlAttrs.parse(attrs(new int[][] {{0x8000 | 9, 7}}, new byte[0]));
        assertEquals(7, a.u32(9).orElseThrow());
    }

    @Test
    void aHighTypeNumberIsKept() {
        NlAttrs a = NlAttrs.parse(attrs(new int[][] {{1, 1}, {1000, 2}}, new byte[0]));
        assertEquals(2, a.u32(1000).orElseThrow());
        assertEquals(1, a.u32(1).orElseThrow());
    }

    @Test
    void parsingStopsAtAShortOrOverlongAttribute() {
        // after two good ones, a header claiming 64 bytes where 4 remain
        byte[] bad = new byte[4];
        ByteBuffer.wrap(bad).order(ByteOrder.nativeOrder()).putShort((short) 64).putShort((short) 6);
        NlAttrs a = NlAttrs.parse(attrs(new int[][] {{1, 1}, {2, 2}}, bad));
        assertEquals(2, a.u32(2).orElseThrow());
        assertFalse(a.has(6));
    }

    @Test
    void manyAttributesAndValuesAreReadOnlyIndependentSlices() {
        int[][] many = new int[40][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new int[] {i + 1, i * 3};
        }
        NlAttrs a = NlAttrs.parse(attrs(many, new byte[0]));
        for (int i = 0; i < many.length; i++) {
            assertEquals(i * 3, a.u32(i + 1).orElseThrow());
        }
        ByteBuffer v = a.get(7).orElseThrow();
        assertEquals(4, v.remaining());
        v.position(4);
        assertEquals(4, a.get(7).orElseThrow().remaining(), "each get is a fresh view");
        assertThrows(ReadOnlyBufferException.class, () -> a.get(7).orElseThrow().putInt(0, 1));
    }
}
