package dev.atoll.model;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The shared records sit at the bottom: every module reads them, so they can read no module. */
@AnalyzeClasses(packages = "dev.atoll.model", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String MODEL = "dev.atoll.model..";

    @ArchTest
    static final ArchRule modelDependsOnNoOtherAtollPackage = noClasses()
            .that()
            .resideInAPackage(MODEL)
            .should()
            .dependOnClassesThat(resideInAPackage("dev.atoll..").and(resideOutsideOfPackage(MODEL)))
            .because("every module depends on the model, so anything it depended on would be a cycle");
}
