package dev.atoll.image;

/**
 * Where a node agent gets images to run: fetches the image (by digest, from its site) if this node
 * lacks it, unpacks and verifies it, and hands back the prepared root filesystem. Blocking; the
 * agent calls it off its loop.
 */
@FunctionalInterface
public interface ImageSupply {
    /**
     * @param imageRef a reference as a service gives it, normally pinned to a digest by the home
     * @throws ImageUnavailableException with a message for users when it cannot be had
     */
    PreparedImage prepare(String imageRef) throws ImageUnavailableException;

    /** For agents that run no images. */
    ImageSupply NONE = ref -> {
        throw new ImageUnavailableException("this node has no image store, so it cannot run image " + ref);
    };
}
