package dev.atoll.model.image;

import dev.atoll.model.spec.EnvironmentSpec;
import java.util.Optional;

/**
 * Each tenant names its images in a namespace of its own: a tenant's {@code busybox:1} is kept as
 * {@code tenants/<tenant>/busybox:1}, and only the cloud's own tenant ("default") keeps names as
 * given (so images imported before tenants existed keep theirs). Names under {@code tenants/} are
 * reserved: nobody may give one, so no tenant can name (or take over the name of) another's image.
 * A digest names content, not a tenant's name: it pins the same bytes for anyone who knows it.
 */
public final class TenantImageNames {
    static final String PREFIX = "tenants/";

    private TenantImageNames() {}

    /** The name {@code tenant}'s {@code nameTag} is kept under, or why it may not be given. */
    public static Result stored(String tenant, String nameTag) {
        if (nameTag.startsWith(PREFIX)) {
            return new Result.Refused("names under " + PREFIX + " are reserved for tenants' own images");
        }
        return new Result.Stored(
                tenant.equals(EnvironmentSpec.DEFAULT_TENANT) ? nameTag : PREFIX + tenant + "/" + nameTag);
    }

    /** The name {@code tenant} knows {@code storedName} by, or empty when it is not one of its names. */
    public static Optional<String> shownTo(String tenant, String storedName) {
        if (tenant.equals(EnvironmentSpec.DEFAULT_TENANT)) {
            return storedName.startsWith(PREFIX) ? Optional.empty() : Optional.of(storedName);
        }
        String own = PREFIX + tenant + "/";
        return storedName.startsWith(own) ? Optional.of(storedName.substring(own.length())) : Optional.empty();
    }

    /**
     * {@code ref} as a service of {@code tenant} names it, turned into the stored name (a digest
     * alone stays as it is); empty for a reserved name, which is no image of the tenant's.
     */
    public static Optional<ImageRef> stored(String tenant, ImageRef ref) {
        if (ref.name().isEmpty()) return Optional.of(ref);
        String name = ref.name().get();
        if (name.startsWith(PREFIX)) return Optional.empty();
        String qualified = tenant.equals(EnvironmentSpec.DEFAULT_TENANT) ? name : PREFIX + tenant + "/" + name;
        return Optional.of(new ImageRef(Optional.of(qualified), ref.tag(), ref.digest()));
    }

    public sealed interface Result {
        record Stored(String name) implements Result {}

        record Refused(String reason) implements Result {}
    }
}
