package dev.atoll.agent.driver.microvm;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one command to a QEMU monitor (QMP) socket: negotiates capabilities, sends the command and
 * waits for its answer, all within a bound, since a wedged QEMU must not wedge a stop.
 */
final class Qmp {
    private Qmp() {}

    /** True when QEMU answered the command; false when it could not be reached or did not answer. */
    static boolean execute(Path socket, String command, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        var exchange = new CompletableFuture<Boolean>();
        Thread.ofVirtual().name("atoll-qmp").start(() -> {
            try {
                send(channel, "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"" + command + "\"}\n");
                exchange.complete(awaitReturns(channel, 2));
            } catch (IOException | RuntimeException e) {
                exchange.complete(false);
            }
        });
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            try {
                channel.close(); // also ends a read still blocked in the exchange thread
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /**
     * Sends {@code commandJson} (a whole QMP command object) and answers QEMU's answer to it (the
     * JSON line holding "return" or "error"), or empty when QEMU could not be reached or did not
     * answer within {@code timeout}.
     */
    static java.util.Optional<String> ask(Path socket, String commandJson, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        var exchange = new CompletableFuture<java.util.Optional<String>>();
        Thread.ofVirtual().name("atoll-qmp").start(() -> {
            try {
                send(channel, "{\"execute\":\"qmp_capabilities\"}\n" + commandJson + "\n");
                exchange.complete(secondAnswer(channel));
            } catch (IOException | RuntimeException e) {
                exchange.complete(java.util.Optional.empty());
            }
        });
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return java.util.Optional.empty();
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** The second line holding an answer (the first answers qmp_capabilities); events are skipped. */
    private static java.util.Optional<String> secondAnswer(SocketChannel channel) throws IOException {
        var buffer = ByteBuffer.allocate(4096);
        var text = new StringBuilder();
        int answers = 0;
        while (text.length() < 1 << 20) {
            int newline;
            while ((newline = text.indexOf("\n")) >= 0) {
                String line = text.substring(0, newline);
                text.delete(0, newline + 1);
                if (line.contains("\"return\"") || line.contains("\"error\"")) {
                    if (++answers == 2) return java.util.Optional.of(line);
                }
            }
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) return java.util.Optional.empty();
            text.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
        }
        return java.util.Optional.empty();
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        var buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    /** Reads until {@code count} answers ({@code "return"} or {@code "error"}) have arrived, or EOF. */
    private static boolean awaitReturns(SocketChannel channel, int count) throws IOException {
        var buffer = ByteBuffer.allocate(4096);
        var text = new StringBuilder();
        int seen = 0;
        while (seen < count && text.length() < 1 << 20) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) return quitEndedConnection(text);
            text.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            seen = occurrences(text, "\"return\"") + occurrences(text, "\"error\"");
        }
        return seen >= count;
    }

    /** QEMU closes the monitor as it exits on {@code quit}: that counts as an answer. */
    private static boolean quitEndedConnection(CharSequence text) {
        return occurrences(text, "\"return\"") >= 1;
    }

    private static int occurrences(CharSequence text, String needle) {
        int count = 0;
        for (int i = text.toString().indexOf(needle);
                i >= 0;
                i = text.toString().indexOf(needle, i + 1)) count++;
        return count;
    }
}
