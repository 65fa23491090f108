/**
 * The background optimizer: Timefold Solver over a site's or a region's current placement. {@link
 * dev.atoll.placement.rebalance.optimizer.BackgroundOptimizer} is the entry point; the other classes
 * are the problem in the solver's terms (a planning solution whose entities are instances with
 * their node as planning variable, and the objective as constraint streams), public because the
 * solver creates and clones them reflectively.
 */
package dev.atoll.placement.rebalance.optimizer;
