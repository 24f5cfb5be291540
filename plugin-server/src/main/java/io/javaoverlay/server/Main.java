package io.javaoverlay.server;

import io.javaoverlay.server.uds.SocketInUseException;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code javaoverlay daemon [flags]}: parses the command line, sets up logging, picks the backend
 * wiring and runs the {@link Daemon} until SIGTERM (a shutdown hook closes it cleanly).
 */
public final class Main {
    /** Exit status for a start-up failure (socket in use, unusable socket path, unusable token file). */
    public static final int EXIT_FAILURE = 1;
    /** Exit status for a usage error. */
    public static final int EXIT_USAGE = 2;

    private Main() {
    }

    /** Entry point; exits with the status of {@link #run}. */
    public static void main(String[] args) {
        int status = run(Arrays.asList(args), System.getenv(), Wiring.production(System.getenv()), System.out, System.err);
        System.exit(status);
    }

    /**
     * Runs the command; returns the exit status. For {@code daemon}, blocks until shutdown.
     */
    public static int run(List<String> args, Map<String, String> env, BackendFactory factory, PrintStream out, PrintStream err) {
        CommandLine.Parsed parsed = CommandLine.parse(args, env);
        if (parsed instanceof CommandLine.Help) {
            out.print(CommandLine.usage());
            return 0;
        }
        if (parsed instanceof CommandLine.UsageError u) {
            err.println("javaoverlay: " + u.message());
            err.println("Try 'javaoverlay --help'.");
            return EXIT_USAGE;
        }
        DaemonConfig config = ((CommandLine.Run) parsed).config();
        LogSetup.install(config.logLevel(), env);
        System.Logger log = System.getLogger(Main.class.getName());
        if (config.consulTokenFile().isPresent()) {
            try {
                config = config.withConsulToken(ConsulTokenFile.read(config.consulTokenFile().get()));
            } catch (IOException e) {
                log.log(Level.ERROR, "refusing to start: " + e.getMessage());
                return EXIT_FAILURE;
            }
        }
        Daemon daemon = new Daemon(config, factory, SdNotify.fromEnvironment(env), env);
        // Installed before start so that a SIGTERM during start-up is handled the same way.
        // SIGTERM/SIGINT: close cleanly and exit 0 (a JVM killed through its hooks would exit 143,
        // which systemd counts as a failure). The hook still covers other exits.
        for (String sig : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> daemon.close());
            } catch (IllegalArgumentException e) {
                log.log(Level.DEBUG, "cannot handle SIG" + sig + ": " + e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
        try {
            daemon.start();
        } catch (SocketInUseException e) {
            log.log(Level.ERROR, "refusing to start: " + e.getMessage());
            daemon.close();
            return EXIT_FAILURE;
        } catch (IOException | RuntimeException e) {
            log.log(Level.ERROR, "cannot serve the plugin socket " + config.socket() + ": " + e.getMessage());
            daemon.close();
            return EXIT_FAILURE;
        }
        try {
            daemon.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.close();
        }
        return 0;
    }
}
