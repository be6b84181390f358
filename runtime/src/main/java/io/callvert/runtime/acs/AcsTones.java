package io.callvert.runtime.acs;

import java.util.Locale;

/** DTMF keys as ACS names them: {@code zero}…{@code nine}, {@code asterisk}, {@code pound}, {@code a}…{@code d}. */
public final class AcsTones {

  private static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

  private AcsTones() {}

  /** The ACS name of a key ({@code 0-9 * # A-D}). */
  public static String word(char key) {
    char k = Character.toUpperCase(key);
    if (k >= '0' && k <= '9') {
      return DIGITS[k - '0'];
    }
    return switch (k) {
      case '*' -> "asterisk";
      case '#' -> "pound";
      case 'A', 'B', 'C', 'D' -> String.valueOf(Character.toLowerCase(k));
      default -> throw new IllegalArgumentException("not a DTMF key: '" + key + "'");
    };
  }

  /** The key of an ACS tone name (case-insensitive); -1 when it is not one. */
  public static int key(String word) {
    if (word == null) {
      return -1;
    }
    String w = word.toLowerCase(Locale.ROOT);
    for (int i = 0; i < DIGITS.length; i++) {
      if (DIGITS[i].equals(w)) {
        return '0' + i;
      }
    }
    return switch (w) {
      case "asterisk" -> '*';
      case "pound" -> '#';
      case "a", "b", "c", "d" -> Character.toUpperCase(w.charAt(0));
      default -> -1;
    };
  }
}
