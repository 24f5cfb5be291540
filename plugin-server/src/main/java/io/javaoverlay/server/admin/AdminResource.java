package io.javaoverlay.server.admin;

import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.AdminException;
import io.javaoverlay.server.status.HostsSource;
import io.javaoverlay.server.status.Inventory;
import io.javaoverlay.server.status.StatusModel;
import io.javaoverlay.server.status.StatusService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin API (JSON, on the root-only admin socket): {@code GET /v1/status}, {@code /v1/networks},
 * {@code /v1/networks/{nameOrId}}, {@code /v1/ipam/pools}, {@code /v1/hosts}, {@code POST
 * /v1/ipam/release}, {@code POST /v1/hosts/{id}/forget[?force=true]}, and {@code GET /metrics}
 * (Prometheus text format). Failures are {@code {"error": "..."}} with a 4xx/5xx status.
 */
@Path("/")
public final class AdminResource {
    private final AdminContext ctx;
    private final StatusService status;
    private final MetricFeeds feeds;

    /** Constructor injection. */
    public AdminResource(AdminContext ctx, StatusService status, MetricFeeds feeds) {
        this.ctx = ctx;
        this.status = status;
        this.feeds = feeds;
    }

    /** Everything {@code javaoverlay status} shows, with the health verdict. */
    @GET
    @Path("v1/status")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.Status status() {
        return status.status();
    }

    /** The overlay networks. */
    @GET
    @Path("v1/networks")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.NetworkList networks() {
        return new StatusModel.NetworkList(new Inventory(ctx.requireLive()).networks());
    }

    /** One network with its endpoints. */
    @GET
    @Path("v1/networks/{nameOrId}")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.NetworkDetail network(@PathParam("nameOrId") String nameOrId) {
        return new Inventory(ctx.requireLive()).network(nameOrId);
    }

    /** Pools with used and free addresses. */
    @GET
    @Path("v1/ipam/pools")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.PoolList pools() {
        List<StatusModel.PoolView> pools = new Inventory(ctx.requireLive()).pools();
        feeds.pools(pools);
        return new StatusModel.PoolList(pools);
    }

    /** Releases an address no endpoint holds. */
    @POST
    @Path("v1/ipam/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.ReleaseResult release(StatusModel.ReleaseRequest request) {
        if (request == null || request.address() == null || request.address().isBlank()) {
            throw new AdminException(AdminException.BAD_REQUEST, "the body must be {\"address\": \"IP\"}");
        }
        return new Inventory(ctx.requireLive()).release(request.address());
    }

    /** The cluster's hosts. */
    @GET
    @Path("v1/hosts")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.HostList hosts() {
        AdminContext.Live live = ctx.requireLive();
        Map<String, Integer> perHost = new Inventory(live).endpointsPerHost();
        Map<String, HostsSource.Host> hosts;
        try {
            hosts = live.hosts().hosts();
        } catch (Exception e) {
            throw new AdminException(AdminException.UNAVAILABLE, "cannot list hosts: " + e.getMessage());
        }
        List<StatusModel.HostView> out = new ArrayList<>();
        hosts.values().forEach(h -> out.add(StatusService.view(h, perHost.getOrDefault(h.hostId(), 0),
                h.hostId().equals(live.hostId()))));
        feeds.hosts(out);
        return new StatusModel.HostList(out);
    }

    /** Forgets a dead host: its records go and its addresses are freed. */
    @POST
    @Path("v1/hosts/{id}/forget")
    @Produces(MediaType.APPLICATION_JSON)
    public StatusModel.ForgetReport forget(@PathParam("id") String id, @QueryParam("force") @DefaultValue("false") boolean force) {
        return ctx.requireLive().forgetter().forget(id, force);
    }

    /** Prometheus text format. */
    @GET
    @Path("metrics")
    public Response metrics() {
        Metrics m = ctx.metrics();
        StreamingOutput body = m::write;
        return Response.ok(body).type(m.contentType()).build();
    }
}
