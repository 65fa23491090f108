package dev.atoll.control.gossip;

import io.scalecube.cluster.transport.api.Message;
import io.scalecube.cluster.transport.api.MessageCodec;
import io.scalecube.cluster.transport.api.Transport;
import io.scalecube.cluster.transport.api.TransportFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * ScaleCube transports that reach each other inside one JVM without sockets, for benchmarks of
 * many sites on one machine. A TCP transport per site costs two connections per pair of sites, so
 * a hundred sites in one process need about 20,000 file descriptors; here they need none, and
 * every gossip protocol message still goes through ScaleCube's codec both ways, so the protocol
 * does the same work, minus the kernel's.
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
        return config -> new Endpoint(config.messageCodec());
    }

    private final class Endpoint implements Transport {
        private final MessageCodec codec;
        private final Sinks.Many<Message> inbox = Sinks.many().multicast().directBestEffort();
        private volatile String address;
        private volatile boolean stopped;

        Endpoint(MessageCodec codec) {
            this.codec = Objects.requireNonNullElse(codec, MessageCodec.INSTANCE);
        }

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
                byte[] bytes = encode(message);
                delivery.execute(() -> target.receive(bytes));
                return Mono.empty();
            });
        }

        @Override
        public Mono<Message> requestResponse(String to, Message request) {
            return Mono.create(sink -> {
                Disposable answer = listen().filter(m -> Objects.equals(m.correlationId(), request.correlationId()))
                        .take(1)
                        .subscribe(sink::success, sink::error, sink::success);
                sink.onDispose(answer);
                send(to, request).subscribe(null, sink::error);
            });
        }

        @Override
        public Flux<Message> listen() {
            return inbox.asFlux();
        }

        private void receive(byte[] bytes) {
            if (stopped) return;
            Message message;
            try {
                message = codec.deserialize(new ByteArrayInputStream(bytes));
            } catch (Exception e) {
                return; // As a TCP transport drops a frame it cannot decode.
            }
            synchronized (inbox) {
                inbox.tryEmitNext(message);
            }
        }

        private byte[] encode(Message message) {
            var out = new ByteArrayOutputStream(256);
            try {
                codec.serialize(message, out);
            } catch (Exception e) {
                throw new IllegalStateException("cannot encode " + message.qualifier(), e);
            }
            return out.toByteArray();
        }
    }
}
