package dev.atoll.model.trace;

import java.util.Map;

/**
 * Starts spans of a trace. A small seam so that control and agent code trace without a tracing
 * library (the process binds it to OpenTelemetry, atoll-api's {@code OtelTracing}) and the simulator
 * runs them with {@link #NONE}, which records nothing and changes no decision.
 */
public interface Tracing {
    /**
     * Starts a span named {@code name}, a child of {@code parent} (a new trace when null), with
     * attributes such as {@code atoll.site}. Never throws.
     */
    Span start(String name, TraceContext parent, Map<String, String> attributes);

    /** The span the calling thread works under (an API request's), or null. */
    TraceContext current();

    /**
     * Makes {@code context} (a span of another process, from the wire) the calling thread's current
     * one until the scope is closed, so that what the thread calls into joins that trace; a null
     * context changes nothing.
     */
    Scope enter(TraceContext context);

    /** Undoes {@link #enter}; close it on the thread that entered. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** A started span; end it exactly once. */
    interface Span {
        /** Where this span sits, to pass on to what it causes; null when nothing is traced. */
        TraceContext context();

        /** Ends the span as failed, with why. */
        void fail(String why);

        void end();
    }

    /** Traces nothing. */
    Tracing NONE = new Tracing() {
        private static final Span NO_SPAN = new Span() {
            @Override
            public TraceContext context() {
                return null;
            }

            @Override
            public void fail(String why) {}

            @Override
            public void end() {}
        };

        @Override
        public Span start(String name, TraceContext parent, Map<String, String> attributes) {
            return NO_SPAN;
        }

        @Override
        public TraceContext current() {
            return null;
        }

        @Override
        public Scope enter(TraceContext context) {
            return () -> {};
        }
    };
}
