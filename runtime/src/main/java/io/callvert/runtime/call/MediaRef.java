package io.callvert.runtime.call;

/** A prompt's media: where to fetch it and, optionally, the key to cache it under. */
public record MediaRef(String uri, String resourceId) {

  /** Graph caches by {@code resourceId} when given, else by uri. */
  public String cacheKey() {
    return resourceId != null && !resourceId.isBlank() ? "id:" + resourceId : "uri:" + uri;
  }
}
