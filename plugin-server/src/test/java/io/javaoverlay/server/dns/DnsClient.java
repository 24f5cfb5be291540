package io.javaoverlay.server.dns;

import org.xbill.DNS.Message;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;

/** Plain UDP/TCP DNS exchanges for tests (no retries, no ID checks: the test checks those). */
final class DnsClient {
    private DnsClient() {
    }

    static Optional<Message> udp(InetSocketAddress server, Message q, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            byte[] out = q.toWire();
            s.send(new DatagramPacket(out, out.length, server));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            return Optional.of(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())));
        }
    }

    static Message tcp(InetSocketAddress server, Message q, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, timeoutMs);
            s.setSoTimeout(timeoutMs);
            byte[] out = q.toWire();
            DataOutputStream o = new DataOutputStream(s.getOutputStream());
            o.writeShort(out.length);
            o.write(out);
            o.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] b = new byte[in.readUnsignedShort()];
            in.readFully(b);
            return new Message(b);
        }
    }
}
