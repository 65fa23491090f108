package dev.atoll.model.view;

import dev.atoll.model.Resources;
import java.util.Set;

/** A node as the API and CLI show it. {@code state} is ready, suspect or down. */
public record NodeView(
        String site,
        String name,
        String state,
        Resources capacity,
        Resources allocated,
        int instanceSlots,
        int instances,
        Set<String> drivers,
        Set<String> tags) {}
