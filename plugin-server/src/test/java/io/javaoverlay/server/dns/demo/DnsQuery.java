package io.javaoverlay.server.dns.demo;

import io.javaoverlay.server.dns.DnsConfig;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.time.Duration;

/** {@code DnsQuery SERVER[:PORT] NAME [TYPE]}: a dig stand-in for machines without dig. */
public final class DnsQuery {
    private DnsQuery() {
    }

    public static void main(String[] args) throws Exception {
        SimpleResolver r = new SimpleResolver(DnsConfig.parseAddress(args[0]));
        r.setTimeout(Duration.ofSeconds(3));
        String name = args[1].endsWith(".") ? args[1] : args[1] + ".";
        int type = args.length > 2 ? Type.value(args[2]) : Type.A;
        System.out.println(r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN))));
    }
}
