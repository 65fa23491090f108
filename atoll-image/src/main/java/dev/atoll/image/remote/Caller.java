package dev.atoll.image.remote;

import java.io.IOException;

/** Makes one wire call and waits for its answer; a failure of any kind is an IOException. */
@FunctionalInterface
public interface Caller {
    byte[] call(String method, byte[] body) throws IOException;
}
