package dev.atoll.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SpecRoundTripTest {
    @Provide
    Arbitrary<EnvironmentSpec> specs() {
        return SpecArbitraries.specs();
    }

    @Property(tries = 150)
    void anySpecWrittenAsYamlReadsBackEqual(@ForAll("specs") EnvironmentSpec spec) {
        String yaml = SpecWriter.toYaml(spec);

        assertThat(SpecParser.parse(yaml)).as(yaml).isEqualTo(new SpecResult.Valid(spec));
    }

    @Property(tries = 150)
    void anySpecWrittenAsJsonReadsBackEqual(@ForAll("specs") EnvironmentSpec spec) {
        String json = SpecWriter.toJson(spec);

        assertThat(SpecParser.parse(json)).as(json).isEqualTo(new SpecResult.Valid(spec));
    }

    @Property(tries = 100)
    void anySpecWrittenAsATreeReadsBackEqual(@ForAll("specs") EnvironmentSpec spec) {
        assertThat(SpecParser.parse(SpecWriter.toTree(spec))).isEqualTo(new SpecResult.Valid(spec));
    }

    @Property(tries = 100)
    void writingIsDeterministic(@ForAll("specs") EnvironmentSpec spec) {
        var copy = new EnvironmentSpec(spec.name(), spec.tenant(), spec.services());

        assertThat(SpecWriter.toYaml(copy)).isEqualTo(SpecWriter.toYaml(spec));
    }
}
