package io.javaoverlay.server.resource;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Makes Docker's requests acceptable to Jersey before resource matching: Docker sends
 * {@code Accept: application/vnd.docker.plugins.v1.2+json} (406 otherwise) and no
 * {@code Content-Type} (415 otherwise). Bodies are always JSON, so both are normalised. Also
 * caps the request body: a declared or actual size over the limit is answered 413.
 */
@PreMatching
public final class DockerMediaFilter implements ContainerRequestFilter {
    /** Docker's largest bodies are a few KiB; 1 MiB leaves room and bounds memory per request. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    private final long maxBodyBytes;

    /** @param maxBodyBytes largest request body accepted; larger ones get 413 */
    public DockerMediaFilter(long maxBodyBytes) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        // Docker only ever POSTs. Refusing other methods here also covers HEAD and OPTIONS,
        // which Jersey would otherwise answer itself (200/204 without a JSON body).
        if (!HttpMethod.POST.equals(ctx.getMethod())) {
            throw new NotAllowedException(HttpMethod.POST);
        }
        ctx.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.WILDCARD);
        ctx.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        String declared = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBodyBytes) {
                    throw tooLarge(ctx);
                }
            } catch (NumberFormatException e) {
                // Grizzly's codec rejects malformed lengths before we get here; keep going.
            }
        }
        ctx.setEntityStream(new LimitedInputStream(ctx.getEntityStream(), maxBodyBytes, ctx.getUriInfo().getPath()));
    }

    private WebApplicationException tooLarge(ContainerRequestContext ctx) {
        return tooLarge(ctx.getUriInfo().getPath(), maxBodyBytes);
    }

    static WebApplicationException tooLarge(String path, long limit) {
        return new WebApplicationException("request body for /" + trimSlash(path) + " exceeds the limit of "
                + limit + " bytes", 413);
    }

    private static String trimSlash(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }

    /** Counts bytes as Jackson reads them (covers chunked bodies, which Docker never sends). */
    private static final class LimitedInputStream extends FilterInputStream {
        private final long limit;
        private final String path;
        private long count;

        LimitedInputStream(InputStream in, long limit, String path) {
            super(in);
            this.limit = limit;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > limit) {
                throw tooLarge(path, limit);
            }
        }
    }
}
