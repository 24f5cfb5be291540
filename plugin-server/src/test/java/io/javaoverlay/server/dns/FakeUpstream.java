package io.javaoverlay.server.dns;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny upstream resolver on 127.0.0.1 (UDP and TCP, same port) for tests and the benchmark:
 * a single-label name is NXDOMAIN (as on a real resolver), any other A query gets
 * {@value #ANSWER}, other types NOERROR/no data; {@link Mode} switches it to
 * SERVFAIL or silence. Records the query IDs it saw.
 */
public final class FakeUpstream implements AutoCloseable {
    /** The address every A query resolves to. */
    public static final String ANSWER = "192.0.2.53";

    /** How to answer. */
    public enum Mode { ANSWER, SERVFAIL, SILENT }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile Mode mode = Mode.ANSWER;
    private volatile boolean running = true;
    public final AtomicInteger queries = new AtomicInteger();
    public final Set<Integer> ids = ConcurrentHashMap.newKeySet();

    public FakeUpstream() throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** An upstream on {@code at} (port 0: any free port). */
    public FakeUpstream(InetSocketAddress at) throws IOException {
        udp = new DatagramSocket(at);
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(at.getAddress(), udp.getLocalPort()));
        Thread u = new Thread(this::udpLoop, "fake-upstream-udp");
        u.setDaemon(true);
        u.start();
        Thread t = new Thread(this::tcpLoop, "fake-upstream-tcp");
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    /** Serves on ADDR:PORT until killed (the e2e demo's "resolver the testbed runs"). */
    public static void main(String[] args) throws Exception {
        try (FakeUpstream u = new FakeUpstream(DnsConfig.parseAddress(args[0]))) {
            System.out.println("fake upstream on " + u.address() + ": every A query -> " + ANSWER);
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    public void mode(Mode m) {
        mode = m;
    }

    private byte[] answer(byte[] in, int len) {
        try {
            Message q = new Message(java.util.Arrays.copyOf(in, len));
            queries.incrementAndGet();
            ids.add(q.getHeader().getID());
            if (mode == Mode.SILENT) {
                return null;
            }
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setFlag(Flags.RA);
            Record question = q.getQuestion();
            r.addRecord(question, Section.QUESTION);
            if (mode == Mode.SERVFAIL) {
                r.getHeader().setRcode(Rcode.SERVFAIL);
            } else if (question.getName().labels() <= 2) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            } else if (question.getType() == Type.A) {
                r.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName(ANSWER)), Section.ANSWER);
            }
            return r.toWire();
        } catch (IOException e) {
            return null;
        }
    }

    private void udpLoop() {
        byte[] buf = new byte[65535];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                byte[] out = answer(p.getData(), p.getLength());
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void tcpLoop() {
        while (running) {
            try {
                Socket s = tcp.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        while (true) {
                            int len = in.readUnsignedShort();
                            byte[] b = new byte[len];
                            in.readFully(b);
                            byte[] a = answer(b, len);
                            if (a != null) {
                                out.writeShort(a.length);
                                out.write(a);
                                out.flush();
                            }
                        }
                    } catch (IOException closed) {
                        // client done
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        udp.close();
        tcp.close();
    }
}
