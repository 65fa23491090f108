package dev.atoll.control.gossip;

import io.scalecube.cluster.transport.api.Message;
import io.scalecube.cluster.transport.api.Transport;
import io.scalecube.cluster.transport.api.TransportFactory;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * ScaleCube transports that reach each other inside one JVM without sockets, for benchmarks of
 * many sites on one machine. A TCP transport per site costs two connections per pair of sites, so
 * a hundred sites in one process need about 20,000 file descriptors; here they need none.
 *
 * <p>Messages are handed over as they are, not encoded: ScaleCube's messages are immutable once
 * built, and encoding with its default codec (Java serialization) is the one cost that grows with
 * every message. On separate machines each site pays it on its own CPU; a hundred sites on two
 * shared cores cannot, and the delay that piles up makes healthy sites miss their ping deadlines.
 * Delivery is still asynchronous, on the given executor, as over a wire.
 *
 * <p>Addresses look like {@code 127.0.0.1:N} with N counted from 1: unique within the network,
 * not bound to anything.
 */
final class InMemoryNetwork {
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(1);
    private final Executor delivery;

    /** @param delivery runs the delivery of every message; a small shared pool stands for the wire */
    InMemoryNetwork(Executor delivery) {
        this.delivery = delivery;
    }

    /** A factory for {@code ClusterImpl.transportFactory}: each call makes one more endpoint. */
    TransportFactory factory() {
        return config -> new Endpoint();
    }

    private final class Endpoint implements Transport {
        private final Sinks.Many<Message> inbox = Sinks.many().multicast().directBestEffort();
        private final Map<String, MonoSink<Message>> pending = new ConcurrentHashMap<>();
        private volatile String address;
        private volatile boolean stopped;

        @Override
        public String address() {
            return address;
        }

        @Override
        public Mono<Transport> start() {
            return Mono.fromCallable(() -> {
                address = "127.0.0.1:" + nextPort.getAndIncrement();
                endpoints.put(address, this);
                return this;
            });
        }

        @Override
        public Mono<Void> stop() {
            return Mono.fromRunnable(() -> {
                stopped = true;
                if (address != null) endpoints.remove(address, this);
                synchronized (inbox) {
                    inbox.tryEmitComplete();
                }
            });
        }

        @Override
        public boolean isStopped() {
            return stopped;
        }

        @Override
        public Mono<Void> send(String to, Message message) {
            return Mono.defer(() -> {
                if (stopped) return Mono.error(new IllegalStateException("transport " + address + " is stopped"));
                Endpoint target = endpoints.get(to);
                if (target == null) return Mono.error(new ConnectException("nothing listens at " + to));
                delivery.execute(() -> target.receive(message));
                return Mono.empty();
            });
        }

        /**
         * The answer is matched by correlation id through a map, not by a filter on the inbox per
         * pending request: with a hundred sites each holds many requests at once, and a filter each
         * made every delivery scan them all.
         */
        @Override
        public Mono<Message> requestResponse(String to, Message request) {
            return Mono.create(sink -> {
                String id = request.correlationId();
                if (id == null) {
                    sink.error(new IllegalArgumentException("a request needs a correlation id"));
                    return;
                }
                pending.put(id, sink);
                sink.onDispose(() -> pending.remove(id, sink));
                send(to, request).subscribe(null, sink::error);
            });
        }

        @Override
        public Flux<Message> listen() {
            return inbox.asFlux();
        }

        private void receive(Message message) {
            if (stopped) return;
            String id = message.correlationId();
            MonoSink<Message> waiting = id == null ? null : pending.remove(id);
            if (waiting != null) waiting.success(message);
            synchronized (inbox) {
                inbox.tryEmitNext(message);
            }
        }
    }
}
