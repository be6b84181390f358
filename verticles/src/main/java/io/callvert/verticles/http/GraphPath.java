package io.callvert.verticles.http;

/**
 * A Graph calls path taken apart (contract rule 1):
 * {@code [/v1.0|/beta]/(communications|app)/calls[/{id}[/{segment}[/{opId}]]][/]}, prefix and
 * collection names in any case. Parsed by hand: every Graph request passes here, and the regex it
 * replaces allocated a few KB of matcher state per request (a fifth of all allocation under load).
 *
 * @param version "/v1.0", "/beta" or "" (canonical case)
 * @param rawId   the call id as sent, or null
 * @param segment the action segment (e.g. playPrompt, microsoft.graph.playPrompt, operations), or null
 * @param opId    the operation id after {@code operations}, or null
 */
record GraphPath(String version, String rawId, String segment, String opId) {

  /** Where a request's parsed Graph path is kept in its routing context (parsed once per request). */
  static final String KEY = "callvert.graphPath";

  /** The parts of {@code path}, or null when it is not a Graph calls path. */
  static GraphPath parse(String path) {
    int i = 0;
    String version = "";
    if (path.regionMatches(true, 0, "/v1.0/", 0, 6)) {
      version = "/v1.0";
      i = 5;
    } else if (path.regionMatches(true, 0, "/beta/", 0, 6)) {
      version = "/beta";
      i = 5;
    }
    if (path.regionMatches(true, i, "/communications/calls", 0, 21)) {
      i += 21;
    } else if (path.regionMatches(true, i, "/app/calls", 0, 10)) {
      i += 10;
    } else {
      return null;
    }
    int end = path.length();
    if (end > i && path.charAt(end - 1) == '/') {
      end--; // one trailing slash is allowed
    }
    if (i == end) {
      return new GraphPath(version, null, null, null);
    }
    if (path.charAt(i) != '/') {
      return null; // e.g. /communications/callsX
    }
    String[] parts = new String[3];
    int n = 0;
    int start = i + 1;
    while (start <= end) {
      int slash = path.indexOf('/', start);
      int stop = slash < 0 || slash > end ? end : slash;
      if (stop == start || n == 3) {
        return null; // an empty segment, or more than id/segment/opId
      }
      parts[n++] = path.substring(start, stop);
      start = stop + 1;
    }
    return new GraphPath(version, parts[0], parts[1], parts[2]);
  }
}
