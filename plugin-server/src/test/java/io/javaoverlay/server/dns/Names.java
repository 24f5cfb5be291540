package io.javaoverlay.server.dns;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test fixtures: records, tables, containers and queries. */
final class Names {
    static final String NET_A = "clusterA";
    static final String NET_B = "clusterB";

    private Names() {
    }

    static NameRecord rec(String net, String netName, String eid, String host, String name, List<String> aliases,
                          String v4, String v6) {
        return new NameRecord(net, netName, eid, host, "c-" + eid, name, aliases, v4, v6);
    }

    static NameTable table(NameRecord... rs) {
        NameTable t = new NameTable();
        Map<String, NameRecord> m = new HashMap<>();
        for (NameRecord r : rs) {
            m.put(NameKeys.key(r), r);
        }
        t.reset(m);
        return t;
    }

    static InetAddress ip(String s) {
        return NameRecord.literal(s);
    }

    /** A LocalContainers with one container at {@code source} on {@code nets}. */
    static LocalContainers containerAt(String source, String... nets) {
        LocalContainerIndex ix = new LocalContainerIndex();
        ix.replaceAll(List.of(new LocalContainerIndex.Entry(
                new LocalContainers.LocalContainer("cid", "asker", Set.of(nets)), List.of(ip(source)))));
        return ix;
    }

    static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type,
                    DClass.IN));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
