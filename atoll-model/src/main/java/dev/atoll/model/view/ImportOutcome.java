package dev.atoll.model.view;

/** What an image import did. A bad archive is a value here (the API answers 400), not an exception. */
public sealed interface ImportOutcome {
    record Imported(ImageView image) implements ImportOutcome {}

    /** The archive is not an image Atoll can read; {@code message} says what is wrong where. */
    record Invalid(String message) implements ImportOutcome {}

    /** This site keeps no images (the API answers 503). */
    record NoStore(String message) implements ImportOutcome {}
}
