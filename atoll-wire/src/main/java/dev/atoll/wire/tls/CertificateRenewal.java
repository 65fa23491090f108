package dev.atoll.wire.tls;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a process' certificate at two thirds of its lifetime: a new key pair, a CSR signed by
 * {@code signer} (a site's own CA, or {@code join.renew} over the agent's authenticated connection),
 * then {@link CloudIdentity#rotate} and the data dir updated. Nothing restarts: new connections
 * present the new certificate, open ones keep theirs. A failed renewal is retried every {@link
 * #RETRY} until the certificate expires.
 */
public final class CertificateRenewal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);
    public static final Duration RETRY = Duration.ofSeconds(10);

    private final CloudIdentity identity;
    private final Path dataDir;
    private final Function<byte[], CompletableFuture<X509Certificate>> signer;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;
    private volatile long renewals;

    /**
     * @param dataDir where the new key and certificate are saved; null: nowhere (tests)
     * @param signer given a CSR (DER), the certificate the cloud CA signed for it
     */
    public CertificateRenewal(
            CloudIdentity identity,
            Path dataDir,
            Function<byte[], CompletableFuture<X509Certificate>> signer,
            ScheduledExecutorService scheduler) {
        this.identity = identity;
        this.dataDir = dataDir;
        this.signer = signer;
        this.scheduler = scheduler;
    }

    /** Schedules the first renewal; returns this. */
    public CertificateRenewal start() {
        schedule();
        return this;
    }

    /** Certificates renewed since start. */
    public long renewals() {
        return renewals;
    }

    private void schedule() {
        if (closed) return;
        Instant at = identity.credentials().orElseThrow().renewAt();
        long delay =
                Math.max(0, Duration.between(identity.clock().instant(), at).toMillis());
        next = scheduler.schedule(this::renew, delay, TimeUnit.MILLISECONDS);
    }

    /** Renews now (also what the schedule runs); completes when the new certificate is in use. */
    public CompletableFuture<Void> renew() {
        if (closed) return CompletableFuture.completedFuture(null);
        String name = identity.self().orElseThrow().name();
        KeyPair pair = Certificates.newKeyPair();
        return signer.apply(Certificates.csr(pair, name))
                .thenAccept(certificate -> {
                    Credentials fresh = new Credentials(pair.getPrivate(), certificate);
                    identity.rotate(fresh);
                    if (dataDir != null) CloudIdentity.save(dataDir, identity.ca(), fresh);
                    renewals++;
                    LOG.info("tls: renewed the certificate of {} until {}", name, fresh.notAfter());
                    schedule();
                })
                .exceptionally(failure -> {
                    LOG.warn(
                            "tls: could not renew the certificate of {}: {}; retrying in {}",
                            name,
                            failure.toString(),
                            RETRY);
                    if (!closed) next = scheduler.schedule(this::renew, RETRY.toMillis(), TimeUnit.MILLISECONDS);
                    return null;
                });
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> n = next;
        if (n != null) n.cancel(false);
    }
}
