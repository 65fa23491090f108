package dev.atoll.cli.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A spec as the user handed it over: a file, or standard input for "-". */
record SpecFile(String source, String text) {
    /** The API's body limit; a bigger spec would be refused there anyway, so say it here. */
    static final int MAX_BYTES = 1 << 20;

    static SpecFile read(String path, InputStream stdin) throws IOException {
        if (path.equals("-")) return new SpecFile("standard input", decode(stdin.readNBytes(MAX_BYTES + 1)));
        Path file = Path.of(path);
        if (Files.size(file) > MAX_BYTES) throw new IOException("it is larger than 1 MiB");
        return new SpecFile(path, decode(Files.readAllBytes(file)));
    }

    private static String decode(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) throw new IOException("it is larger than 1 MiB");
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** JSON when it looks like JSON; YAML otherwise (the API reads JSON as YAML too). */
    String contentType() {
        return text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
    }
}
