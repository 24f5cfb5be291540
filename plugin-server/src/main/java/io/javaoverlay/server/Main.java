package io.javaoverlay.server;

import io.javaoverlay.server.cli.Cli;
import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.RecentErrors;
import io.javaoverlay.server.uds.SocketInUseException;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code javaoverlay daemon [flags]}: parses the command line, sets up logging, picks the backend
 * wiring and runs the {@link Daemon} until SIGTERM (a shutdown hook closes it cleanly). The
 * operator commands ({@code status}, {@code network}, {@code ipam}, {@code host}) go to {@link Cli}.
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
        // The CLI commands go first: they must not touch the daemon's classes (Jersey, Grizzly).
        if (args.length > 0 && Cli.handles(args[0])) {
            System.exit(Cli.run(Arrays.asList(args), System.getenv(), System.out, System.err));
        }
        Map<String, String> env = System.getenv();
        int status = run(Arrays.asList(args), env, admin -> Wiring.production(env, admin), System.out, System.err);
        System.exit(status);
    }

    /**
     * Runs the command with a fixed backend factory; returns the exit status. For {@code daemon},
     * blocks until shutdown.
     */
    public static int run(List<String> args, Map<String, String> env, BackendFactory factory, PrintStream out, PrintStream err) {
        return run(args, env, admin -> factory, out, err);
    }

    /**
     * Runs the command; {@code factory} builds the backend factory observed by the admin interface.
     * For {@code daemon}, blocks until shutdown.
     */
    public static int run(List<String> args, Map<String, String> env, Function<AdminContext, BackendFactory> factories,
                          PrintStream out, PrintStream err) {
        if (!args.isEmpty() && Cli.handles(args.get(0))) {
            return Cli.run(args, env, out, err);
        }
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
        RecentErrors errors = new RecentErrors(RecentErrors.DEFAULT_CAPACITY).install();
        String version = Version.current();
        // The admin view keeps the configuration as given: a token file shows as its path, and the
        // token read from it never reaches the status output.
        AdminContext admin = new AdminContext(config, version, new Metrics(version), errors);
        if (config.consulTokenFile().isPresent()) {
            try {
                config = config.withConsulToken(ConsulTokenFile.read(config.consulTokenFile().get()));
            } catch (IOException e) {
                log.log(Level.ERROR, "refusing to start: " + e.getMessage());
                return EXIT_FAILURE;
            }
        }
        Daemon daemon = new Daemon(config, factories.apply(admin), SdNotify.fromEnvironment(env), env, admin);
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
