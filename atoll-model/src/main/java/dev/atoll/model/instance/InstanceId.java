package dev.atoll.model.instance;

/**
 * The identity of one replica: tenant, environment, service and index. The string form users see
 * is {@code <environment>.<service>.<index>} (unique within a tenant); {@link #key()} is unique in
 * the cloud.
 */
public record InstanceId(String tenant, String environment, String service, int index) {
    public String display() {
        return environment + "." + service + "." + index;
    }

    public String key() {
        // One concatenation, not display()'s and then another: keys are built millions of times a
        // second in a full edge cloud's simulation.
        return tenant + "/" + environment + "." + service + "." + index;
    }

    public static InstanceId fromKey(String key) {
        int slash = key.indexOf('/');
        String[] parts = key.substring(slash + 1).split("\\.");
        if (slash < 0 || parts.length != 3) throw new IllegalArgumentException("not an instance key: " + key);
        return new InstanceId(key.substring(0, slash), parts[0], parts[1], Integer.parseInt(parts[2]));
    }

    @Override
    public String toString() {
        return key();
    }
}
