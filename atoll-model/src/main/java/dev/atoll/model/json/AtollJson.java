package dev.atoll.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.SpecParser;
import dev.atoll.model.spec.SpecResult;
import dev.atoll.model.spec.SpecWriter;

/**
 * The one JSON (and YAML) configuration that the API writes and the CLI reads: records as objects,
 * Optional as value-or-absent, instants as ISO-8601 text, enums by their wire names.
 * Environment specs are written in their own user-facing format (SpecWriter) and read back with
 * SpecParser, so a view that carries a spec (EnvironmentView) round-trips and shows the spec as users
 * write it.
 */
public final class AtollJson {
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
    private static final ObjectMapper YAML = configure(new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)));

    /** Health probes are a sealed interface; between processes their variant is named. */
    @com.fasterxml.jackson.annotation.JsonTypeInfo(
            use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.SIMPLE_NAME,
            property = "probe")
    @com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(dev.atoll.model.spec.HealthCheck.Http.class),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(dev.atoll.model.spec.HealthCheck.Tcp.class),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(dev.atoll.model.spec.HealthCheck.Command.class)
    })
    private interface ProbeTypes {}

    private static final ObjectMapper INTERNAL = configure(JsonMapper.builder().build())
            .addMixIn(dev.atoll.model.spec.HealthCheck.Probe.class, ProbeTypes.class);

    private AtollJson() {}

    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * JSON between Atoll's own processes (calls of the wire protocol): the same as {@link #json()},
     * except that records users never see, such as a service spec inside an offer, are written
     * as their fields, with the variant of every sealed type named.
     */
    public static ObjectMapper internal() {
        return INTERNAL;
    }

    public static ObjectMapper yaml() {
        return YAML;
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        var wireNames = new SimpleModule("atoll-wire-names");
        wireNames.addSerializer(
                InstanceState.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(InstanceState.class) {
                    @Override
                    public void serialize(
                            InstanceState value,
                            com.fasterxml.jackson.core.JsonGenerator gen,
                            com.fasterxml.jackson.databind.SerializerProvider p)
                            throws java.io.IOException {
                        gen.writeString(value.wireName());
                    }
                });
        wireNames.addDeserializer(
                InstanceState.class,
                new com.fasterxml.jackson.databind.deser.std.StdDeserializer<>(InstanceState.class) {
                    @Override
                    public InstanceState deserialize(
                            com.fasterxml.jackson.core.JsonParser p,
                            com.fasterxml.jackson.databind.DeserializationContext ctx)
                            throws java.io.IOException {
                        String text = p.getValueAsString();
                        return InstanceState.fromWireName(text)
                                .orElseThrow(() -> com.fasterxml.jackson.databind.exc.InvalidFormatException.from(
                                        p, "not an instance state", text, InstanceState.class));
                    }
                });
        wireNames.addSerializer(EnvironmentSpec.class, new StdSerializer<>(EnvironmentSpec.class) {
            @Override
            public void serialize(EnvironmentSpec value, JsonGenerator gen, SerializerProvider p)
                    throws java.io.IOException {
                gen.writeTree(SpecWriter.toTree(value));
            }
        });
        wireNames.addDeserializer(EnvironmentSpec.class, new StdDeserializer<>(EnvironmentSpec.class) {
            @Override
            public EnvironmentSpec deserialize(JsonParser p, DeserializationContext ctx) throws java.io.IOException {
                JsonNode tree = p.readValueAsTree();
                return switch (SpecParser.parse(tree)) {
                    case SpecResult.Valid valid -> valid.spec();
                    case SpecResult.Invalid invalid ->
                        throw JsonMappingException.from(p, "not a valid environment spec: " + invalid.errors());
                };
            }
        });
        return mapper.registerModule(new Jdk8Module())
                .registerModule(new JavaTimeModule())
                .registerModule(wireNames)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    }
}
