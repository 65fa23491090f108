/**
 * The placement problem in Timefold Solver's terms: a planning solution ({@link
 * dev.atoll.bench.peer.timefold.NodePlan}) whose planning entities are replicas with a node as their
 * planning variable, and the hard, medium and soft constraints as constraint streams ({@link
 * dev.atoll.bench.peer.timefold.PlacementConstraints}). Public because Timefold instantiates and
 * clones these classes reflectively.
 */
package dev.atoll.bench.peer.timefold;
