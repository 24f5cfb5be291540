package io.javaoverlay.server.bench;

import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;

import java.io.IOException;
import java.nio.file.Path;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;

/** The load generators' connection to the plugin socket: kept alive like dockerd's, reconnected once if the daemon closed it. */
final class PluginConnection {
    private final Path socket;
    private UdsHttpClient client;

    PluginConnection(Path socket) {
        this.socket = socket;
    }

    /** The body of a 200 answer; anything else is an error naming the path. */
    String ok(String path, String body) throws IOException {
        Response r = post(path, body);
        if (r.status() != 200) {
            throw new IllegalStateException(path + " -> " + r.status() + " " + r.body());
        }
        return r.body();
    }

    /** One request on the kept-alive connection. */
    Response post(String path, String body) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (client == null) {
                    client = new UdsHttpClient(socket);
                }
                return client.exchange(dockerPost(path, body));
            } catch (IOException e) {
                if (client != null) {
                    client.close();
                    client = null;
                }
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }
}
