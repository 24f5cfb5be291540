package io.javaoverlay.server.uds;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.Header;

import java.io.IOException;

/**
 * Older dockerd versions send {@code Host:} with an empty value (Go blanks the socket-path host),
 * and Jersey then fails building {@code http://:80/}. Sits between the HTTP codec and the server
 * filter and fills in {@code localhost}. The codec keeps this same chunk as the unparsed host and
 * parses it lazily, so editing it in place is enough.
 */
final class EmptyHostFixFilter extends BaseFilter {
    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (message instanceof HttpContent content) {
            HttpHeader header = content.getHttpHeader();
            if (header != null && header.isRequest()) {
                DataChunk host = header.getHeaders().getValue(Header.Host);
                if (host != null && (host.isNull() || host.toString().isBlank())) {
                    host.setString("localhost");
                }
            }
        }
        return ctx.getInvokeAction();
    }
}
