package dev.atoll.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Payloads of REQUEST and RESPONSE frames (see PROTOCOL.md). */
final class Calls {
    static final int STATUS_OK = 0;
    static final int STATUS_FAILED = 1;
    static final int STATUS_UNKNOWN_METHOD = 2;
    private static final int MAX_METHOD_CHARS = 100;
    private static final int MAX_MESSAGE_CHARS = 1000;

    record Request(long id, String method, byte[] body) {}

    record Response(long id, int status, byte[] body) {
        String message() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Calls() {}

    static byte[] encodeRequest(long id, String method, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + method.length() + 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            out.writeUTF(method);
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static Request decodeRequest(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            long id = in.readLong();
            String method = in.readUTF();
            if (method.isBlank() || method.length() > MAX_METHOD_CHARS) {
                throw new MalformedFrameException("REQUEST names a blank or over-long method");
            }
            return new Request(id, method, in.readAllBytes());
        } catch (IOException e) {
            throw new MalformedFrameException("REQUEST does not decode: " + e, e);
        }
    }

    static byte[] encodeResponse(long id, int status, byte[] body) {
        return java.nio.ByteBuffer.allocate(9 + body.length)
                .putLong(id)
                .put((byte) status)
                .put(body)
                .array();
    }

    static byte[] failure(String message) {
        String clipped = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        return clipped.getBytes(StandardCharsets.UTF_8);
    }

    static Response decodeResponse(byte[] payload) {
        if (payload.length < 9) {
            throw new MalformedFrameException("RESPONSE of " + payload.length + " bytes is shorter than its header");
        }
        var buffer = java.nio.ByteBuffer.wrap(payload);
        long id = buffer.getLong();
        int status = buffer.get() & 0xFF;
        if (status > STATUS_UNKNOWN_METHOD) {
            throw new MalformedFrameException("RESPONSE has unknown status " + status);
        }
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return new Response(id, status, body);
    }
}
