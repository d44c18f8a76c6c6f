package io.switchboard.loadtest;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Runs an asynchronous step over many items with at most {@code width} in flight; keeps the order. */
final class Lanes {

  private Lanes() {
  }

  static <T, R> Future<List<R>> map(List<T> items, int width, Function<T, Future<R>> step) {
    @SuppressWarnings("unchecked")
    R[] out = (R[]) new Object[items.size()];
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(width, items.size()); i++) {
      lanes.add(lane(items, next, step, out));
    }
    return Future.all(lanes).map(v -> Arrays.asList(out));
  }

  private static <T, R> Future<Void> lane(List<T> items, AtomicInteger next, Function<T, Future<R>> step, R[] out) {
    int i = next.getAndIncrement();
    if (i >= items.size()) {
      return Future.succeededFuture();
    }
    return step.apply(items.get(i)).compose(r -> {
      out[i] = r;
      return lane(items, next, step, out);
    });
  }
}
