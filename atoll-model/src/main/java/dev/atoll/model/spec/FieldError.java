package dev.atoll.model.spec;

/** One thing wrong with user input: where ({@code spec.services.web.resources.memory}) and why. */
public record FieldError(String path, String reason) {
    @Override
    public String toString() {
        return path.isEmpty() ? reason : path + ": " + reason;
    }
}
