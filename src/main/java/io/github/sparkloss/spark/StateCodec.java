package io.github.sparkloss.spark;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An aggregate whose partial state writes itself in its own versioned binary form, which {@link
 * LossAggregator} uses for the shuffle instead of Java serialization.
 */
interface StateCodec<S> {
  void write(S state, DataOutput out) throws IOException;

  S read(DataInput in) throws IOException;
}
