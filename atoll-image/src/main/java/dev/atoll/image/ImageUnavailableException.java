package dev.atoll.image;

/** An image cannot be had: unknown, unreachable, corrupt. The message is shown to users. */
public class ImageUnavailableException extends Exception {
    public ImageUnavailableException(String message) {
        super(message);
    }

    public ImageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
