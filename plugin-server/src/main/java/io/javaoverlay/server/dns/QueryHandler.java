package io.javaoverlay.server.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The resolver's decisions, without sockets: parse a query (dnsjava), and either answer it from
 * the {@link NameTable}, hand it to the upstreams, or drop it.
 *
 * <ul>
 *   <li>Only a container we know ({@link LocalContainers}) gets our names, and only those of the
 *       javaoverlay networks it is on. Every other query, and every name we do not hold, is
 *       forwarded: we never say NXDOMAIN for a name someone else may know.</li>
 *   <li>A name we hold answers A, AAAA, ANY and, for its overlay addresses, PTR; any other type
 *       gets NOERROR with no records (the name exists).</li>
 *   <li>Malformed queries get FORMERR, other opcodes NOTIMP, zone transfers REFUSED, EDNS
 *       versions above 0 BADVERS. Packets with the response bit set, or shorter than a header,
 *       get nothing (never answer an answer: that is how reflection loops start).</li>
 * </ul>
 */
public final class QueryHandler {
    /** Our EDNS UDP payload size (the DNS flag day 2020 value). */
    static final int EDNS_PAYLOAD = 1232;
    private static final int BADVERS = 16;

    private final NameTable table;
    private final LocalContainers containers;
    private final long ttl;

    /** What to do with one query. */
    public sealed interface Outcome permits Reply, Forward, Drop {
    }

    /** Send this answer; over UDP at most {@code udpLimit} bytes (the client's EDNS size, or 512). */
    public record Reply(Message message, int udpLimit) implements Outcome {
    }

    /** Ask the upstreams; {@code query} is the parsed client query. */
    public record Forward(Message query) implements Outcome {
    }

    /** Send nothing. */
    public enum Drop implements Outcome { INSTANCE }

    /** A handler answering from {@code table} for the containers of {@code containers}, with answer TTL {@code ttl} s. */
    public QueryHandler(NameTable table, LocalContainers containers, int ttl) {
        this.table = table;
        this.containers = containers;
        this.ttl = ttl;
    }

    /** Decides what to do with the {@code length} bytes of {@code packet} received from {@code source}. */
    public Outcome handle(byte[] packet, int length, InetAddress source) {
        if (length < Header.LENGTH || (packet[2] & 0x80) != 0) {
            return Drop.INSTANCE;
        }
        Message query;
        try {
            byte[] exact = length == packet.length ? packet : java.util.Arrays.copyOf(packet, length);
            query = new Message(exact);
        } catch (IOException | RuntimeException malformed) {
            return new Reply(headerOnly(packet, Rcode.FORMERR), 512);
        }
        Header h = query.getHeader();
        if (h.getOpcode() != Opcode.QUERY) {
            return new Reply(headerOnly(packet, Rcode.NOTIMP), 512);
        }
        Record q = query.getQuestion();
        if (h.getCount(Section.QUESTION) != 1 || q == null) {
            return new Reply(headerOnly(packet, Rcode.FORMERR), 512);
        }
        OPTRecord opt = query.getOPT();
        if (opt != null && opt.getVersion() != 0) {
            Message r = reply(query, Rcode.NOERROR, false);
            r.getHeader().setRcode(BADVERS & 0xF);
            r.addRecord(new OPTRecord(EDNS_PAYLOAD, BADVERS >>> 4, 0), Section.ADDITIONAL);
            return new Reply(r, 512);
        }
        int type = q.getType();
        if (type == Type.AXFR || type == Type.IXFR) {
            return new Reply(reply(query, Rcode.REFUSED), udpLimit(query));
        }
        if (q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY) {
            return new Forward(query);
        }
        Optional<LocalContainers.LocalContainer> who = containers.bySource(source);
        if (who.isEmpty() || who.get().clusterNetworkIds().isEmpty()) {
            return new Forward(query);
        }
        String qname = text(q.getName());
        if (type == Type.PTR) {
            Optional<InetAddress> addr = reverse(qname);
            if (addr.isPresent()) {
                List<NameRecord> owners = table.byAddress(who.get().clusterNetworkIds(), addr.get());
                return owners.isEmpty() ? new Forward(query) : new Reply(ptr(query, owners), udpLimit(query));
            }
        }
        List<NameRecord> found = table.lookup(who.get().clusterNetworkIds(), qname);
        if (found.isEmpty()) {
            return new Forward(query);
        }
        return new Reply(addresses(query, found), udpLimit(query));
    }

    /** A SERVFAIL for {@code query} (upstreams failed or timed out). */
    public static Message servfail(Message query) {
        return reply(query, Rcode.SERVFAIL);
    }

    /** A REFUSED for {@code query} (too many forwards in flight). */
    public static Message refused(Message query) {
        return reply(query, Rcode.REFUSED);
    }

    /**
     * The wire form of {@code response} for the transport: TCP up to 65535 bytes, UDP up to
     * {@code udpLimit} (see {@link #udpLimit}); dnsjava truncates
     * whole RRsets and sets TC, so the client retries over TCP.
     */
    public static byte[] wire(Message response, int udpLimit, boolean tcp) {
        return response.toWire(tcp ? Message.MAXLENGTH : udpLimit);
    }

    /** The client's EDNS UDP size (512 without EDNS, at most {@link #EDNS_PAYLOAD}). */
    public static int udpLimit(Message query) {
        OPTRecord opt = query == null ? null : query.getOPT();
        if (opt == null) {
            return 512;
        }
        return Math.max(512, Math.min(EDNS_PAYLOAD, opt.getPayloadSize()));
    }

    private Message addresses(Message query, List<NameRecord> found) {
        Record q = query.getQuestion();
        Message r = reply(query, Rcode.NOERROR);
        r.getHeader().setFlag(Flags.AA);
        int type = q.getType();
        for (NameRecord rec : found) {
            if ((type == Type.A || type == Type.ANY) && rec.ipv4() != null) {
                r.addRecord(new ARecord(q.getName(), DClass.IN, ttl, rec.ipv4Address()), Section.ANSWER);
            }
            if ((type == Type.AAAA || type == Type.ANY) && rec.ipv6() != null) {
                r.addRecord(new AAAARecord(q.getName(), DClass.IN, ttl, rec.ipv6Address()), Section.ANSWER);
            }
        }
        return r; // any other type: NOERROR, no records (the name exists)
    }

    private Message ptr(Message query, List<NameRecord> owners) {
        Message r = reply(query, Rcode.NOERROR);
        r.getHeader().setFlag(Flags.AA);
        Record q = query.getQuestion();
        for (NameRecord o : owners) {
            try {
                // NAME.NETWORK: the fully qualified form that resolves back to this address.
                Name target = Name.fromString(o.containerName() + "." + o.networkName() + ".");
                r.addRecord(new PTRRecord(q.getName(), DClass.IN, ttl, target), Section.ANSWER);
            } catch (TextParseException notADnsName) {
                // a container name Docker accepts but DNS cannot carry: no PTR for it
            }
        }
        return r;
    }

    private static Message reply(Message query, int rcode) {
        return reply(query, rcode, query.getOPT() != null && rcode != Rcode.FORMERR);
    }

    private static Message reply(Message query, int rcode, boolean withOpt) {
        Message r = new Message(query.getHeader().getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setOpcode(query.getHeader().getOpcode());
        h.setRcode(rcode);
        Record q = query.getQuestion();
        if (q != null) {
            r.addRecord(q, Section.QUESTION);
        }
        if (withOpt) {
            r.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return r;
    }

    /** A header-only answer echoing the ID, opcode and RD bit of a raw packet. */
    static Message headerOnly(byte[] packet, int rcode) {
        int id = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
        Message r = new Message(id);
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode((packet[2] >> 3) & 0xF);
        if ((packet[2] & 0x01) != 0) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode);
        return r;
    }

    private static String text(Name n) {
        return n.toString(true).toLowerCase(Locale.ROOT);
    }

    /** The address of an {@code in-addr.arpa} or {@code ip6.arpa} name, if it names exactly one. */
    static Optional<InetAddress> reverse(String qname) {
        String[] l = qname.split("\\.", -1);
        byte[] b;
        if (qname.endsWith(".in-addr.arpa") && l.length == 6) {
            b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!l[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(l[i]) > 255) {
                    return Optional.empty();
                }
                b[3 - i] = (byte) Integer.parseInt(l[i]);
            }
        } else if (qname.endsWith(".ip6.arpa") && l.length == 34) {
            b = new byte[16];
            for (int i = 0; i < 32; i++) {
                if (l[i].length() != 1 || Character.digit(l[i].charAt(0), 16) < 0) {
                    return Optional.empty();
                }
                int nibble = Character.digit(l[i].charAt(0), 16);
                int pos = 31 - i;
                b[pos / 2] |= (byte) (pos % 2 == 0 ? nibble << 4 : nibble);
            }
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (UnknownHostException impossible) {
            return Optional.empty();
        }
    }
}
