package dev.atoll.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.spec.SpecWriter;
import java.time.Duration;
import java.util.function.Function;

/**
 * What the server is built from besides the cloud: how specs are read and written, and the timing
 * of its streams. Production uses {@link #defaults()}; tests shorten the timings or hand in a spec
 * reader of their own.
 *
 * @param specReader reads a request body into a spec or field errors (SpecParser::parse)
 * @param specWriter writes the "spec" field of an environment in the user's format (SpecWriter::toTree)
 * @param keepAlive how often an idle event stream gets a comment, so proxies and clients see it alive
 * @param logPoll how often a followed log is checked for new bytes
 * @param followMax how long one followed log or event stream may stay open at most
 * @param maxStreams how many event and log streams may be open at once
 * @param clock stamps new tenants and tokens and audit entries
 */
public record ApiOptions(
        Function<String, SpecResult> specReader,
        Function<EnvironmentSpec, ObjectNode> specWriter,
        Duration keepAlive,
        Duration logPoll,
        Duration followMax,
        int maxStreams,
        java.time.Clock clock) {

    public static ApiOptions defaults() {
        return new ApiOptions(
                SpecParser::parse,
                SpecWriter::toTree,
                Duration.ofSeconds(15),
                Duration.ofMillis(200),
                Duration.ofHours(1),
                1024,
                java.time.Clock.systemUTC());
    }

    public ApiOptions withSpecReader(Function<String, SpecResult> reader) {
        return new ApiOptions(reader, specWriter, keepAlive, logPoll, followMax, maxStreams, clock);
    }

    public ApiOptions withSpecWriter(Function<EnvironmentSpec, ObjectNode> writer) {
        return new ApiOptions(specReader, writer, keepAlive, logPoll, followMax, maxStreams, clock);
    }

    public ApiOptions withKeepAlive(Duration interval) {
        return new ApiOptions(specReader, specWriter, interval, logPoll, followMax, maxStreams, clock);
    }

    public ApiOptions withClock(java.time.Clock clock) {
        return new ApiOptions(specReader, specWriter, keepAlive, logPoll, followMax, maxStreams, clock);
    }

    public ApiOptions withLogPoll(Duration interval) {
        return new ApiOptions(specReader, specWriter, keepAlive, interval, followMax, maxStreams, clock);
    }
}
