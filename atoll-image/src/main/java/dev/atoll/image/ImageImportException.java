package dev.atoll.image;

/**
 * An image could not be imported or recorded: the archive is malformed, a blob is missing or does
 * not match its digest. The message is for users and names the file inside the archive at fault.
 */
public class ImageImportException extends Exception {
    public ImageImportException(String message) {
        super(message);
    }

    public ImageImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
