package dev.atoll.wire.tls;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection or call this process refused for want of a valid certificate: logged with the
 * peer's address and the reason, and counted by reason (the process exports the counts as {@code
 * atoll_tls_refused_total{reason}}).
 */
public final class TlsRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(TlsRefusals.class);

    private final Map<RefusalReason, LongAdder> counts = new EnumMap<>(RefusalReason.class);

    public TlsRefusals() {
        for (RefusalReason r : RefusalReason.values()) counts.put(r, new LongAdder());
    }

    /** Logs and counts one refusal. */
    public void refused(String peer, RefusalReason reason, String detail) {
        counts.get(reason).increment();
        LOG.warn("tls: refused {}: {} ({})", peer, reason.label(), detail);
    }

    public long count(RefusalReason reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        long total = 0;
        for (LongAdder a : counts.values()) total += a.sum();
        return total;
    }
}
