package dev.atoll.model.image;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a service names as its image: {@code name[:tag]}, {@code name[:tag]@sha256:<hex>} or a bare
 * {@code sha256:<hex>}. A name without a tag means {@code :latest}. A digest, when given, is what
 * runs; the name is then only for people.
 */
public record ImageRef(Optional<String> name, Optional<String> tag, Optional<String> digest) {
    private static final Pattern NAME =
            Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    public static final String DEFAULT_TAG = "latest";
    static final int MAX_NAME = 255;

    public ImageRef {
        if (name.isEmpty() && digest.isEmpty()) throw new IllegalArgumentException("an image needs a name or a digest");
        if (name.isPresent() && tag.isEmpty()) tag = Optional.of(DEFAULT_TAG);
    }

    /** The reference, or the reason {@code text} is not one, for error messages naming the field. */
    public static Result parse(String text) {
        if (text == null || text.isEmpty()) return new Result.Invalid("must not be empty; e.g. busybox:1.36");
        String rest = text;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
            if (rest.isEmpty()) return new Result.Invalid("\"" + text + "\" has no name before '@'");
        } else if (rest.startsWith("sha256:")) {
            digest = Optional.of(rest);
            rest = "";
        }
        if (digest.isPresent() && !DIGEST.matcher(digest.get()).matches()) {
            return new Result.Invalid(
                    "\"" + digest.get() + "\" is not a digest: expected sha256: and 64 lowercase hex digits");
        }
        if (rest.isEmpty()) return new Result.Valid(new ImageRef(Optional.empty(), Optional.empty(), digest));
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag.get()).matches()) {
                return new Result.Invalid("\"" + tag.get()
                        + "\" is not a tag: letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128");
            }
        }
        if (rest.length() > MAX_NAME || !NAME.matcher(rest).matches()) {
            return new Result.Invalid("\"" + rest + "\" is not an image name: lowercase letters, digits and"
                    + " separators ('.', '_', '-', '/'), at most " + MAX_NAME + " characters");
        }
        return new Result.Valid(new ImageRef(Optional.of(rest), tag, digest));
    }

    /** Parses a reference known to be valid (one Atoll wrote). */
    public static ImageRef of(String text) {
        return switch (parse(text)) {
            case Result.Valid v -> v.ref();
            case Result.Invalid i -> throw new IllegalArgumentException(i.reason());
        };
    }

    /** {@code name:tag}, when there is a name. */
    public Optional<String> nameAndTag() {
        return name.map(n -> n + ":" + tag.orElse(DEFAULT_TAG));
    }

    /** The same image pinned to {@code manifestDigest}. */
    public ImageRef pinned(String manifestDigest) {
        return new ImageRef(name, tag, Optional.of(manifestDigest));
    }

    @Override
    public String toString() {
        String named = nameAndTag().orElse("");
        if (digest.isEmpty()) return named;
        return named.isEmpty() ? digest.get() : named + "@" + digest.get();
    }

    public sealed interface Result {
        record Valid(ImageRef ref) implements Result {}

        record Invalid(String reason) implements Result {}
    }
}
