/**
 * Grizzly over a Unix domain socket, and nothing else: no TCP port is ever bound.
 *
 * <p>Grizzly binds only through {@code ServerSocket}, which JDK UNIX channels lack, so
 * {@link io.javaoverlay.server.uds.UdsHttpServer} keeps an <em>unbound</em> {@code TCPNIOTransport}
 * as its selector/worker engine and feeds it connections accepted on a JDK 16+ UNIX
 * {@code ServerSocketChannel} ({@link io.javaoverlay.server.uds.UdsListener}, bound here or passed by
 * systemd). Each accepted channel is wrapped in a {@code TCPNIOConnection} subclass that answers
 * placeholder INET addresses and fixed buffer sizes instead of asking {@code socket()}.
 *
 * <p>Grizzly internals used (pinned Grizzly 4.0.2, covered by the socket tests): the protected
 * {@code setSelectionKey}/{@code setSelectorRunner}/{@code notifyReady}, {@code registerChannelAsync}
 * and {@code IOEvent.ACCEPTED}.
 */
package io.javaoverlay.server.uds;
