package dev.atoll.sim.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Names for the variants of one scenario shown side by side: a report for "big-dc-vs-edge/edge"
 * is the variant "edge", written to report-edge.json. A variant without a usable name of its own
 * is known by its position, from 1.
 */
record Variants(String scenario, List<Variant> all) {
    record Variant(String name, String fileName, SimReport report) {}

    static Variants of(List<SimReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one report");
        }
        List<Variant> variants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (int i = 0; i < reports.size(); i++) {
            SimReport report = reports.get(i);
            String position = Integer.toString(i + 1);
            String own = variantName(report.scenario());
            String name = own.isBlank() ? "#" + position : names.contains(own) ? own + " #" + position : own;
            names.add(name);
            String safe = own.replaceAll("[^A-Za-z0-9._-]", "-");
            String file = safe.isEmpty() || safe.startsWith(".") || files.contains(safe) ? position : safe;
            // A variant may itself be called "2"; at most one suffix per report settles it.
            while (files.contains(file)) {
                file = file + "_";
            }
            files.add(file);
            variants.add(new Variant(name, "report-" + file + ".json", report));
        }
        return new Variants(scenarioName(reports), List.copyOf(variants));
    }

    List<String> names() {
        return all.stream().map(Variant::name).toList();
    }

    List<SimReport> reports() {
        return all.stream().map(Variant::report).toList();
    }

    private static String variantName(String scenario) {
        if (scenario == null) {
            return "";
        }
        int slash = scenario.lastIndexOf('/');
        return slash < 0 ? scenario : scenario.substring(slash + 1);
    }

    /** The part before the variant when all reports share it, else all their names. */
    private static String scenarioName(List<SimReport> reports) {
        Set<String> prefixes = new java.util.LinkedHashSet<>();
        for (SimReport report : reports) {
            String scenario = report.scenario() == null ? "" : report.scenario();
            int slash = scenario.lastIndexOf('/');
            prefixes.add(slash < 0 ? scenario : scenario.substring(0, slash));
        }
        return prefixes.size() == 1 ? prefixes.iterator().next() : String.join(" vs ", prefixes);
    }
}
