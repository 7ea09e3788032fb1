package io.github.sparkloss.spark;

import io.github.sparkloss.shim.ListV2Aggregator;
import io.github.sparkloss.shim.ScalaShim;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.ProjectingInternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.StructType;

/**
 * Catalyst's {@link V2Aggregator} under the loss's own name, so that a result column reads {@code
 * cross_entropy(logits, label)} rather than {@code v2aggregator(logits, label)}. Copies made by the
 * optimizer stay of this class.
 *
 * <p>When every argument is a plain column reference, as it is once sparkloss asks Spark for no
 * cast, each row is read in place through a re-ordering view instead of being copied into a new row
 * by an {@code UnsafeProjection}, which the profile showed to be the largest cost outside the loss
 * itself.
 *
 * <p>Partial states travel in their own versioned binary form ({@link StateCodec}): smaller than
 * Java serialization, independent of class names, and a state of an unknown version is refused by
 * name. Other states are read back through the task's context class loader: Catalyst's own reading
 * resolves classes through Spark's loader, which on a cluster executor cannot see the application
 * jar that holds the state class.
 */
public final class LossAggregator<S extends Serializable, R> extends ListV2Aggregator<S, R> {
  private static final long serialVersionUID = 1L;

  private transient ProjectingInternalRow view;
  private transient boolean viewChecked;

  /** Wraps {@code function} over its argument expressions, at buffer offsets 0 usually. */
  public LossAggregator(
      AggregateFunction<S, R> function,
      List<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    super(function, children, mutableAggBufferOffset, inputAggBufferOffset);
  }

  @Override
  public String prettyName() {
    return aggrFunc().name();
  }

  @Override
  public S update(S buffer, InternalRow input) {
    if (!viewChecked) {
      view = directView();
      viewChecked = true;
    }
    if (view == null) {
      return super.update(buffer, input);
    }
    view.project(input);
    return aggrFunc().update(buffer, view);
  }

  /** A view of the input row in argument order, or null when an argument is not a column. */
  private ProjectingInternalRow directView() {
    List<Object> ordinals = new ArrayList<>();
    StructType schema = new StructType();
    for (Expression child : childList()) {
      if (!(child instanceof BoundReference)) {
        return null;
      }
      BoundReference ref = (BoundReference) child;
      ordinals.add(ref.ordinal());
      schema = schema.add("_" + ordinals.size(), ref.dataType(), ref.nullable());
    }
    return ScalaShim.projectingRow(schema, ordinals);
  }

  @Override
  @SuppressWarnings("unchecked")
  public byte[] serialize(S buffer) {
    if (aggrFunc() instanceof StateCodec) {
      StateCodec<S> codec = (StateCodec<S>) aggrFunc();
      return encode(codec::write, buffer);
    }
    return super.serialize(buffer);
  }

  /** How a state writes its binary form. */
  interface Writer<T> {
    void write(T state, java.io.DataOutput out) throws IOException;
  }

  /** The binary form {@code writer} gives {@code state}. */
  static <T> byte[] encode(Writer<T> writer, T state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(state, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a partial aggregation state", e);
    }
    return bytes.toByteArray();
  }

  @Override
  @SuppressWarnings("unchecked")
  public S deserialize(byte[] bytes) {
    if (aggrFunc() instanceof StateCodec) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        return ((StateCodec<S>) aggrFunc()).read(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a partial aggregation state", e);
      }
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = LossAggregator.class.getClassLoader();
    }
    try (ObjectInputStream in = new ContextObjectInputStream(bytes, loader)) {
      return (S) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a partial aggregation state", e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a partial aggregation state", e);
    }
  }

  /** Resolves classes through a given loader first, then as Java serialization does. */
  private static final class ContextObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    ContextObjectInputStream(byte[] bytes, ClassLoader loader) throws IOException {
      super(new ByteArrayInputStream(bytes));
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  protected <B extends Serializable, O> V2Aggregator<B, O> copyWith(
      AggregateFunction<B, O> function,
      List<Expression> children,
      int mutableAggBufferOffset,
      int inputAggBufferOffset) {
    return (V2Aggregator<B, O>)
        (Object)
            new LossAggregator<>(
                (AggregateFunction<S, R>) (Object) function,
                children,
                mutableAggBufferOffset,
                inputAggBufferOffset);
  }
}
