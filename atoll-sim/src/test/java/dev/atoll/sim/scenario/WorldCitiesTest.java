package dev.atoll.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.model.spec.FieldReader;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class WorldCitiesTest {
    @Test
    void holdsAFewHundredCitiesWithNamesSitesCanTake() {
        assertThat(WorldCities.ALL).hasSizeGreaterThan(300);
        assertThat(WorldCities.ALL)
                .extracting(WorldCities.City::name)
                .doesNotHaveDuplicates()
                .allSatisfy(name -> {
                    // Room for "-99" when a city gets many sites; no digits at the end so "city-2" is never a city.
                    assertThat(FieldReader.checkDnsLabel(name + "-99")).isEmpty();
                    assertThat(name).doesNotMatch(".*-[0-9]+");
                });
        assertThat(WorldCities.ALL)
                .extracting(WorldCities.City::country)
                .allSatisfy(c -> assertThat(FieldReader.checkCountry(c)).isEmpty());
    }

    @Test
    void spansEveryInhabitedContinent() {
        assertThat(WorldCities.ALL)
                .extracting(WorldCities.City::country)
                .contains("JP", "IN", "NG", "BR", "US", "DE", "AU", "EG", "MX");
    }

    @Test
    void comesLargestFirst() {
        assertThat(WorldCities.ALL)
                .extracting(WorldCities.City::populationThousands)
                .isSortedAccordingTo(Collections.reverseOrder());
    }

    @Test
    void sharesSitesOutInProportionToPopulation() {
        var shares = Worlds.shareOut(1000);
        long tokyo = shares.stream()
                .filter(i -> WorldCities.ALL.get(i).name().equals("tokyo"))
                .count();
        long paris = shares.stream()
                .filter(i -> WorldCities.ALL.get(i).name().equals("paris"))
                .count();

        // Tokyo has three times the people of Paris.
        assertThat((double) tokyo / paris).isBetween(2.5, 3.5);
        assertThat(Worlds.shareOut(3))
                .extracting(i -> WorldCities.ALL.get(i).name())
                .containsExactly("tokyo", "jakarta", "delhi");
    }
}
