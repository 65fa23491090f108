package dev.atoll.model.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A W3C traceparent is read where it is valid, written back as it came, and ignored where it is not. */
class TraceContextTest {
    private static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidTraceparentIsReadAndWrittenBackUnchanged() {
        var context = TraceContext.parse(SAMPLED).orElseThrow();

        assertThat(context).isEqualTo(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true));
        assertThat(context.traceparent()).isEqualTo(SAMPLED);
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
                .hasValueSatisfying(c -> assertThat(c.sampled()).isFalse());
    }

    @Test
    void aMalformedOrAllZeroTraceparentIsIgnored() {
        assertThat(TraceContext.parse(null)).isEmpty();
        assertThat(TraceContext.parse("")).isEmpty();
        assertThat(TraceContext.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"))
                .isEmpty();
        assertThat(TraceContext.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEmpty();
        assertThat(TraceContext.traceparentOf(null)).isNull();
    }
}
