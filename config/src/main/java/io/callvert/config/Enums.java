package io.callvert.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Lenient parsing of enum JSON values: case-insensitive, ignoring '_' and '-' ("noAnswer" = "NO_ANSWER" = "no-answer"). */
final class Enums {

  private Enums() {
  }

  static String normalize(String s) {
    return s.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  static <E extends Enum<E>> E parse(E[] values, Function<E, String> jsonValue, String raw) {
    if (raw != null) {
      String n = normalize(raw);
      for (E e : values) {
        if (normalize(jsonValue.apply(e)).equals(n)) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException(
        "must be one of " + String.join(", ", jsonValues(values, jsonValue)) + ", got " + Check.show(raw));
  }

  static <E extends Enum<E>> List<String> jsonValues(E[] values, Function<E, String> jsonValue) {
    List<String> out = new ArrayList<>(values.length);
    for (E e : values) {
      out.add(jsonValue.apply(e));
    }
    return List.copyOf(out);
  }
}
