package dev.atoll.api.logs;

import dev.atoll.api.problem.Problem;
import dev.atoll.api.problem.ProblemException;
import dev.atoll.api.request.OpenStreams;
import dev.atoll.api.request.Requests;
import dev.atoll.control.cloud.CloudApi;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /v1/instances/{id}/logs?offset=&follow=: the log's bytes from an offset; with follow=true the
 * response stays open and new bytes are sent as they are written.
 *
 * <p>A follower learns that its client left only when a write fails (Jetty does not notice a silent
 * HTTP/1.1 client closing), so a quiet log keeps its follower until the next bytes or the one-hour
 * bound; each one costs a virtual thread and a file open per poll, and {@link OpenStreams} bounds
 * how many there are.
 *
 * <p>Following reopens the log at the current position after each end-of-file instead of reading the
 * same stream again: {@link CloudApi#openLog} promises bytes from an offset, not a stream that grows.
 */
public final class LogRoutes {
    private static final Logger log = LoggerFactory.getLogger(LogRoutes.class);

    private final CloudApi cloud;
    private final OpenStreams streams;
    private final Duration poll;
    private final Duration maxOpen;

    public LogRoutes(CloudApi cloud, OpenStreams streams, Duration poll, Duration maxOpen) {
        this.cloud = cloud;
        this.streams = streams;
        this.poll = poll;
        this.maxOpen = maxOpen;
    }

    public void handle(Context ctx) throws IOException {
        String tenant = Requests.tenant(ctx);
        String id = ctx.pathParam("id");
        long offset = Requests.queryLong(ctx, "offset", 0, 0, Long.MAX_VALUE);
        boolean follow = Requests.queryBoolean(ctx, "follow", false);
        InputStream first = cloud.openLog(tenant, id, offset)
                .orElseThrow(() -> new ProblemException(
                        Problem.of(404, "no instance \"" + Requests.clip(id) + "\" in tenant \"" + tenant + "\"")));
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/plain; charset=utf-8");
        if (!follow) {
            try (first) {
                first.transferTo(res.getOutputStream());
            }
            return;
        }
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        streams.run(() -> follow(res.getOutputStream(), tenant, id, offset, first));
    }

    private void follow(OutputStream out, String tenant, String id, long offset, InputStream first)
            throws InterruptedException {
        InputStream in = first;
        long position = offset;
        long deadline = System.nanoTime() + maxOpen.toNanos();
        byte[] buffer = new byte[8192];
        try {
            while (in != null) {
                int n = in.read(buffer);
                if (n > 0) {
                    out.write(buffer, 0, n);
                    position += n;
                    if (in.available() == 0) out.flush();
                    continue;
                }
                out.flush();
                in.close();
                in = null;
                if (System.nanoTime() - deadline >= 0) break;
                Thread.sleep(poll);
                // Empty when the instance is gone: the log has ended.
                in = cloud.openLog(tenant, id, position).orElse(null);
            }
        } catch (IOException e) {
            log.debug("log follower of {} went away: {}", id, e.toString());
        } finally {
            closeQuietly(in);
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing a log failed: {}", e.toString());
        }
    }
}
