package dev.atoll.control.federation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.atoll.model.json.AtollJson;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.MalformedFrameException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON bodies of calls between Atoll's processes, written and read one way. */
public final class CallBodies {
    private CallBodies() {}

    public static byte[] write(Object value) {
        try {
            return AtollJson.internal().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request's body; one that does not decode is the caller's protocol violation. */
    public static <T> T request(byte[] body, Class<T> type) {
        try {
            T value = AtollJson.internal().readValue(body, type);
            if (value == null) throw new MalformedFrameException("an empty " + type.getSimpleName());
            return value;
        } catch (IOException e) {
            throw new MalformedFrameException("a " + type.getSimpleName() + " does not decode: " + e.getMessage(), e);
        }
    }

    /** An answer's body; one that does not decode fails the call. */
    public static <T> T answer(byte[] body, Class<T> type) {
        return answer(body, AtollJson.internal().constructType(type));
    }

    public static <T> T answer(byte[] body, TypeReference<T> type) {
        return answer(body, AtollJson.internal().constructType(type));
    }

    private static <T> T answer(byte[] body, JavaType type) {
        try {
            return AtollJson.internal().readValue(body, type);
        } catch (IOException e) {
            throw new CallFailedException(
                    CallFailedException.Reason.REFUSED, "an answer does not decode as " + type + ": " + e.getMessage());
        }
    }
}
