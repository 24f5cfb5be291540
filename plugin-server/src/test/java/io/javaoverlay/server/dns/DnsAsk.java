package io.javaoverlay.server.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.time.Duration;

/**
 * One DNS query from the command line, for end-to-end tests run inside a testbed host (no dig
 * there): {@code DnsAsk SERVER PORT NAME TYPE} prints {@code rcode RCODE}, then one line per answer
 * record: {@code TYPE RDATA}.
 */
public final class DnsAsk {
    private DnsAsk() {
    }

    public static void main(String[] args) throws Exception {
        SimpleResolver r = new SimpleResolver(args[0]);
        r.setPort(Integer.parseInt(args[1]));
        r.setTimeout(Duration.ofSeconds(3));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(args[2], Name.root), Type.value(args[3]), 1));
        Message a = r.send(q);
        System.out.println("rcode " + Rcode.string(a.getRcode()));
        for (Record rec : a.getSection(Section.ANSWER)) {
            System.out.println(Type.string(rec.getType()) + " " + rec.rdataToString());
        }
    }
}
