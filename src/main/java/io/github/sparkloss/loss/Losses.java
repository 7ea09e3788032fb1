package io.github.sparkloss.loss;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The registry: every loss sparkloss evaluates, one line each. */
public final class Losses {
  private Losses() {}

  static final Loss NLL_LOSS = new NLLLoss();

  private static final List<Loss> ALL =
      List.of(
          new CrossEntropyLoss(),
          NLL_LOSS,
          new BCELoss(),
          new BCEWithLogitsLoss(),
          new KLDivLoss(),
          new MSELoss(),
          new L1Loss(),
          new SmoothL1Loss(),
          new HuberLoss(),
          new PoissonNLLLoss(),
          new GaussianNLLLoss(),
          new SoftMarginLoss(),
          new MultiLabelSoftMarginLoss(),
          new MultiMarginLoss(),
          new MultiLabelMarginLoss(),
          new HingeEmbeddingLoss(),
          new MarginRankingLoss(),
          new CosineEmbeddingLoss(),
          new TripletMarginLoss(),
          new SigmoidFocalLoss());

  private static final Map<String, Loss> BY_NAME = index();

  private static Map<String, Loss> index() {
    Map<String, Loss> m = new LinkedHashMap<>();
    for (Loss l : ALL) {
      if (m.put(l.sqlName(), l) != null) {
        throw new IllegalStateException("two losses are called " + l.sqlName());
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** Every loss, in documentation order. */
  public static List<Loss> all() {
    return ALL;
  }

  /** The loss called {@code name} (any case), or null. */
  public static Loss byName(String name) {
    return name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
  }

  /** The loss names, in documentation order. */
  public static List<String> names() {
    return new ArrayList<>(BY_NAME.keySet());
  }
}
