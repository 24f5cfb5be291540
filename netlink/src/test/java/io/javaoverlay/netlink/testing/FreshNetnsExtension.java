package io.javaoverlay.netlink.testing;

import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.testing.Requirements;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for privileged tests: checks the requirements (skip locally, fail under
 * CI=true), logs {@code ip -V} and {@code uname -r} once, creates a fresh namespace
 * {@code jo-it-<random>} before each test and deletes it after. Inject it as a {@link TestNetns}
 * parameter. Usage: {@code @ExtendWith(FreshNetnsExtension.class) @Tag("privileged")}.
 */
public final class FreshNetnsExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final Logger LOG = System.getLogger(FreshNetnsExtension.class.getName());
    private static final AtomicBoolean LOGGED = new AtomicBoolean();
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(FreshNetnsExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        requirePrivileged();
        if (LOGGED.compareAndSet(false, true)) {
            String v = IpRoute2.versions();
            LOG.log(Level.INFO, "privileged netlink tests on: {0}", v);
            System.out.println("[netlink IT] " + v);
        }
        TestNetns t = TestNetns.create(TestNetns.randomName("jo-it-"));
        context.getStore(STORE).put("ns", t);
    }

    /** Root, our netlink layer working here, and iproute2 ({@code ip}, {@code bridge}) for the cross-checks. */
    public static void requirePrivileged() {
        Requirements.requireRoot("network namespaces (CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        Requirements.require(Netlink.isAvailable(), "netlink: "
                + Netlink.unavailabilityCause().map(Throwable::toString).orElse(""));
        Requirements.requireTools("ip", "bridge");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestNetns t = context.getStore(STORE).remove("ns", TestNetns.class);
        if (t != null) {
            t.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == TestNetns.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getStore(STORE).get("ns", TestNetns.class);
    }
}
