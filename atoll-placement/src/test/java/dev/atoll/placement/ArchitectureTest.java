package dev.atoll.placement;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.properties.HasParameterTypes.Predicates.rawParameterTypes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Placement decisions must replay exactly from their inputs (CONVENTIONS.md 12), and placement is
 * the pure core every other module builds on, so it may only see the shared records.
 */
@AnalyzeClasses(packages = "dev.atoll.placement", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String PLACEMENT = "dev.atoll.placement..";

    @ArchTest
    static final ArchRule placementNeverReadsTheWallClock = noClasses()
            .that()
            .resideInAPackage(PLACEMENT)
            .should()
            .callMethodWhere(readsTheWallClock())
            .because("time enters as a java.time.Clock or an Instant parameter, so a simulation can replay it");

    @ArchTest
    static final ArchRule placementNeverMakesItsOwnRandomness = noClasses()
            .that()
            .resideInAPackage(PLACEMENT)
            .should()
            .callConstructorWhere(createsARandomGenerator())
            .orShould()
            .callMethodWhere(drawsFromAHiddenRandomGenerator())
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(ThreadLocalRandom.class)
            .because("randomness enters as a seed or a RandomGenerator parameter, so a decision can be replayed");

    @ArchTest
    static final ArchRule placementNeverSleeps = noClasses()
            .that()
            .resideInAPackage(PLACEMENT)
            .should()
            .callMethodWhere(sleeps())
            .because("waiting belongs to a scheduler passed in, never to a decision");

    @ArchTest
    static final ArchRule placementDependsOnNothingOfOursButTheModel = noClasses()
            .that()
            .resideInAPackage(PLACEMENT)
            .should()
            .dependOnClassesThat(
                    resideInAPackage("dev.atoll..").and(resideOutsideOfPackages(PLACEMENT, "dev.atoll.model..")))
            .because("placement is pure functions over the shared records; control and the edges call it");

    static DescribedPredicate<JavaCall<?>> readsTheWallClock() {
        return callTo(System.class, "currentTimeMillis", "nanoTime")
                .or(callTo(Clock.class, "systemUTC", "systemDefaultZone", "system"))
                // Instant.now(), LocalDateTime.now() and friends read the system clock; now(clock) is fine.
                .or(target(owner(resideInAPackage("java.time")))
                        .and(target(name("now")))
                        .and(target(rawParameterTypes(new Class<?>[0]))))
                .as("reads the wall clock");
    }

    static DescribedPredicate<JavaCall<?>> createsARandomGenerator() {
        return target(owner(assignableTo(Random.class).or(assignableTo(SplittableRandom.class))))
                .as("creates a random generator");
    }

    static DescribedPredicate<JavaCall<?>> drawsFromAHiddenRandomGenerator() {
        return callTo(Math.class, "random")
                .or(callTo(StrictMath.class, "random"))
                .or(callTo(RandomGenerator.class, "getDefault", "of"))
                // shuffle(list) draws from a JVM-wide Random; shuffle(list, random) is fine.
                .or(callTo(Collections.class, "shuffle").and(target(rawParameterTypes(List.class))))
                .as("draws from a random generator nobody seeded");
    }

    static DescribedPredicate<JavaCall<?>> sleeps() {
        return callTo(Thread.class, "sleep").or(callTo(TimeUnit.class, "sleep")).as("sleeps");
    }

    private static DescribedPredicate<JavaCall<?>> callTo(Class<?> owner, String... methods) {
        return target(owner(type(owner))).and(target(nameMatching(String.join("|", methods))));
    }
}
