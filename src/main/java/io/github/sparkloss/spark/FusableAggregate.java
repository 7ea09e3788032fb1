package io.github.sparkloss.spark;

/**
 * An aggregate of one loss call that {@link FuseLossAggregates} may fuse with others of its query:
 * {@link LossAggregate} and {@link ResumableAggregate}.
 */
interface FusableAggregate {
  /** The call this aggregate evaluates. */
  LossCall call();
}
