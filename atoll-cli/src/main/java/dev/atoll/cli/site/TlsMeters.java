package dev.atoll.cli.site;

import dev.atoll.wire.tls.RefusalReason;
import dev.atoll.wire.tls.TlsRefusals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code atoll_tls_refused_total{reason}}: peers a process refused for want of a valid certificate. */
public final class TlsMeters {
    private TlsMeters() {}

    public static void register(MeterRegistry registry, TlsRefusals refusals) {
        for (RefusalReason reason : RefusalReason.values()) {
            FunctionCounter.builder("atoll_tls_refused", refusals, r -> r.count(reason))
                    .description("Connections and calls refused for want of a valid certificate, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
    }
}
