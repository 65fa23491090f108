package dev.atoll.image;

import java.util.List;

/** No peer asked holds the blob. Carries the peers' names so callers can say it in their own terms. */
public class BlobNotHeldException extends ImageUnavailableException {
    private final String digest;
    private final List<String> peers;

    public BlobNotHeldException(String digest, List<String> peers, String detail) {
        super("blob " + digest + " is held by none of: " + (peers.isEmpty() ? "(no peers)" : String.join(", ", peers))
                + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.digest = digest;
        this.peers = List.copyOf(peers);
    }

    public String digest() {
        return digest;
    }

    public List<String> peers() {
        return peers;
    }
}
