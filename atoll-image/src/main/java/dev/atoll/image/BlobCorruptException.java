package dev.atoll.image;

import java.io.IOException;

/** Content did not match the digest it was given as: nothing was stored. */
public class BlobCorruptException extends IOException {
    private final String expected;
    private final String actual;

    public BlobCorruptException(String expected, String actual) {
        super("content has digest " + actual + ", not the expected " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
