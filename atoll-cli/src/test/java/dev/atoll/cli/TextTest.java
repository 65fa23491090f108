package dev.atoll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void countsSayOneThingOrManyThings() {
        assertThat(Text.count(1, "service")).isEqualTo("1 service");
        assertThat(Text.count(6, "replica")).isEqualTo("6 replicas");
        assertThat(Text.count(0, "site")).isEqualTo("0 sites");
    }

    @Test
    void secondsHaveOneDecimal() {
        assertThat(Text.seconds(Duration.ofMillis(2_149))).isEqualTo("2.1 s");
    }

    @Test
    void agesUseTheLargestUnitThatReadsWell() {
        assertThat(Text.age(Duration.ofSeconds(12))).isEqualTo("12s");
        assertThat(Text.age(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Text.age(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(Text.age(Duration.ofDays(4))).isEqualTo("4d");
        assertThat(Text.age(Duration.ofSeconds(-3))).isEqualTo("0s");
    }

    @Test
    void memoryIsRoundedForReading() {
        assertThat(Text.memory(256L << 20)).isEqualTo("256Mi");
        assertThat(Text.memory(1536L << 20)).isEqualTo("1.5Gi");
        assertThat(Text.memory(48L << 30)).isEqualTo("48Gi");
        assertThat(Text.memory(0)).isEqualTo("0");
    }

    @Test
    void prettyJsonPutsArrayItemsOnTheirOwnLines() throws Exception {
        var tree = dev.atoll.model.json.AtollJson.json().readTree("[{\"a\":[1,2]}]");

        assertThat(Text.prettyJson(tree)).isEqualTo("""
                [
                  {
                    "a": [
                      1,
                      2
                    ]
                  }
                ]
                """);
    }
}
