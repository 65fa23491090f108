package dev.atoll.control.gossip;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.atoll.model.json.AtollJson;
import io.scalecube.cluster.metadata.MetadataCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Site cards travel as JSON text, so any site (or a human with tcpdump) can read them whatever
 * the version of the classes on either side. ScaleCube holds the card as a JSON String: a String
 * satisfies its check that metadata is Serializable, and the codec only turns it into bytes.
 */
final class SiteCardCodec implements MetadataCodec {

    static String toJson(SiteCard card) {
        try {
            return AtollJson.json().writeValueAsString(card);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a site card always serializes", e);
        }
    }

    static SiteCard fromJson(String json) {
        try {
            return AtollJson.json().readValue(json, SiteCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable site card: " + e.getMessage(), e);
        }
    }

    /** Reads a card without consuming the buffer, which ScaleCube keeps and compares. */
    static SiteCard fromBytes(ByteBuffer buffer) {
        return fromJson(StandardCharsets.UTF_8.decode(buffer.duplicate()).toString());
    }

    @Override
    public Object deserialize(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }

    @Override
    public ByteBuffer serialize(Object metadata) {
        return metadata == null ? null : ByteBuffer.wrap(((String) metadata).getBytes(StandardCharsets.UTF_8));
    }
}
