package dev.atoll.api.events;

import dev.atoll.api.request.OpenStreams;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import dev.atoll.model.json.AtollJson;
import dev.atoll.model.view.CloudEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /v1/events: Server-Sent Events (backlog, then live), or with watch=false the recent events as
 * JSON.
 *
 * <p>Written as a plain streaming response rather than with Javalin's SseHandler, because that one
 * answers only clients that send {@code Accept: text/event-stream}, and the contract serves the
 * stream to every client of this route.
 */
public final class EventRoutes {
    public static final int DEFAULT_BACKLOG = 100;
    /** How far back ?since= may reach, and the most ?limit= may ask for. */
    public static final int MAX_BACKLOG = 1000;
    /**
     * Events waiting for a slow client. When it overflows the stream ends; the client reconnects with
     * ?since=<last id> and loses nothing that is still in the backlog.
     */
    static final int QUEUE_CAPACITY = 10_000;

    private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);

    private final CloudApi cloud;
    private final OpenStreams streams;
    private final Duration keepAlive;
    private final Duration maxOpen;

    public EventRoutes(CloudApi cloud, OpenStreams streams, Duration keepAlive, Duration maxOpen) {
        this.cloud = cloud;
        this.streams = streams;
        this.keepAlive = keepAlive;
        this.maxOpen = maxOpen;
    }

    public void handle(Context ctx) throws IOException {
        String tenant = Requests.tenant(ctx);
        boolean watch = Requests.queryBoolean(ctx, "watch", true);
        int limit = Requests.queryInt(ctx, "limit", DEFAULT_BACKLOG, 1, MAX_BACKLOG);
        long since = Requests.queryLong(ctx, "since", -1, 0, Long.MAX_VALUE);
        if (!watch) {
            ctx.json(backlog(tenant, limit, since));
            return;
        }
        streams.run(() -> stream(ctx, tenant, limit, since));
    }

    /** The tenant's events and the cloud's shared ones (nodes), never another tenant's. */
    private List<CloudEvent> backlog(String tenant, int limit, long since) {
        List<CloudEvent> visible = cloud.recentEvents(MAX_BACKLOG).stream()
                .filter(e -> e.visibleTo(tenant))
                .filter(e -> since < 0 || e.seq() > since)
                .toList();
        return since < 0 ? visible.subList(Math.max(0, visible.size() - limit), visible.size()) : visible;
    }

    private void stream(Context ctx, String tenant, int limit, long since) throws IOException, InterruptedException {
        // Subscribe before reading the backlog so nothing falls between the two; the overlap is
        // dropped by sequence number below.
        var live = new LinkedBlockingQueue<CloudEvent>(QUEUE_CAPACITY);
        var overflowed = new AtomicBoolean();
        try (AutoCloseable subscription = cloud.subscribe(e -> {
            if (e.visibleTo(tenant) && !live.offer(e)) overflowed.set(true);
        })) {
            var res = ctx.res();
            res.setStatus(200);
            res.setCharacterEncoding("UTF-8");
            res.setContentType("text/event-stream");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no");
            OutputStream out = res.getOutputStream();
            long last = since;
            for (CloudEvent e : backlog(tenant, limit, since)) {
                write(out, e);
                last = Math.max(last, e.seq());
            }
            out.flush();
            long deadline = System.nanoTime() + maxOpen.toNanos();
            while (System.nanoTime() - deadline < 0 && !overflowed.get()) {
                CloudEvent e = live.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
                if (e == null) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else if (e.seq() > last) {
                    write(out, e);
                    last = e.seq();
                }
                if (live.isEmpty()) out.flush();
            }
            if (overflowed.get()) log.info("event stream ended: the client fell {} events behind", QUEUE_CAPACITY);
        } catch (IOException e) {
            log.debug("event stream client went away: {}", e.toString());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Only the subscription's close can get here.
            log.warn("closing an event subscription failed", e);
        }
    }

    private static void write(OutputStream out, CloudEvent event) throws IOException {
        String frame = "id: " + event.seq() + "\n"
                + "event: " + oneLine(event.type()) + "\n"
                + "data: " + AtollJson.json().writeValueAsString(event) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
    }

    /** A newline inside a field would end it early and corrupt the stream. */
    private static String oneLine(String text) {
        return text == null ? "message" : text.replace('\n', ' ').replace('\r', ' ');
    }
}
