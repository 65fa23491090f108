package dev.atoll.wire;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of the wire protocol; every queue and every wait is bounded by one of them.
 *
 * @param maxFrameBytes largest payload accepted or sent, at most {@link WireFormat#MAX_FRAME_BYTES}
 * @param readTimeout how long the server waits for the rest of a frame it has started to read (and
 *     for the HELLO of a new connection) before it closes the connection
 * @param idleTimeout how long a connection may go without any frame before the server closes it
 *     (the client reconnects when it next has something to send)
 * @param connectTimeout how long the client waits for a TCP connection
 * @param writeTimeout how long the client lets one write block (the peer not reading) before it
 *     closes the connection
 * @param reconnectMin first delay before the client reconnects after a failure
 * @param reconnectMax the delay doubles after each failure up to this
 * @param inboundQueueFrames frames read from one connection and not yet handled; when full the
 *     server stops reading that socket
 * @param inboundQueueBytes payload bytes read from one connection and not yet handled; same
 * @param outboundQueueFrames frames waiting to be sent to one peer; when full the oldest is dropped
 * @param outboundQueueBytes bytes waiting to be sent to one peer; same
 * @param maxConnections inbound connections one server holds at once; more are closed at accept
 */
public record WireSettings(
        int maxFrameBytes,
        Duration readTimeout,
        Duration idleTimeout,
        Duration connectTimeout,
        Duration writeTimeout,
        Duration reconnectMin,
        Duration reconnectMax,
        int inboundQueueFrames,
        int inboundQueueBytes,
        int outboundQueueFrames,
        int outboundQueueBytes,
        int maxConnections) {

    public WireSettings {
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(reconnectMin, "reconnectMin");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        if (maxFrameBytes < 1024 || maxFrameBytes > WireFormat.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException(
                    "maxFrameBytes must be between 1 KiB and " + WireFormat.MAX_FRAME_BYTES + ": " + maxFrameBytes);
        }
        for (Duration d : new Duration[] {readTimeout, idleTimeout, connectTimeout, writeTimeout, reconnectMin}) {
            if (d.toMillis() < 1) {
                throw new IllegalArgumentException("wire timeouts must be at least 1 ms: " + d);
            }
        }
        if (idleTimeout.compareTo(readTimeout) < 0) {
            throw new IllegalArgumentException(
                    "idleTimeout " + idleTimeout + " is shorter than readTimeout " + readTimeout);
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException(
                    "reconnectMax " + reconnectMax + " is shorter than reconnectMin " + reconnectMin);
        }
        if (inboundQueueFrames < 1 || outboundQueueFrames < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("queue sizes and maxConnections must be positive");
        }
        if (inboundQueueBytes < maxFrameBytes || outboundQueueBytes < maxFrameBytes) {
            throw new IllegalArgumentException("byte budgets of the queues must hold at least one largest frame");
        }
    }

    /** Settings for controllers of one site talking over a LAN or a few WAN hops. */
    public static WireSettings defaults() {
        return new WireSettings(
                WireFormat.MAX_FRAME_BYTES,
                Duration.ofSeconds(5),
                Duration.ofMinutes(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofMillis(50),
                Duration.ofSeconds(2),
                256,
                32 * 1024 * 1024,
                1024,
                32 * 1024 * 1024,
                64);
    }

    /** The same settings with another read timeout (tests shorten it to see garbage closed fast). */
    public WireSettings withReadTimeout(Duration timeout) {
        return new WireSettings(
                maxFrameBytes,
                timeout,
                idleTimeout.compareTo(timeout) < 0 ? timeout : idleTimeout,
                connectTimeout,
                writeTimeout,
                reconnectMin,
                reconnectMax,
                inboundQueueFrames,
                inboundQueueBytes,
                outboundQueueFrames,
                outboundQueueBytes,
                maxConnections);
    }
}
