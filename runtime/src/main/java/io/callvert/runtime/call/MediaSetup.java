package io.callvert.runtime.call;

import java.util.List;

/**
 * The call's service-hosted media set-up.
 *
 * @param preFetch media to warm the cache with, or null when the bot named none (an empty list when
 *                 it named an empty list: a dialect shows what it was given)
 */
public record MediaSetup(List<MediaRef> preFetch) {

  /** Service-hosted media with no prefetch list: shared by the calls that name none. */
  public static final MediaSetup NOTHING_TO_PREFETCH = new MediaSetup(null);

  public MediaSetup {
    preFetch = preFetch == null ? null : List.copyOf(preFetch);
  }

  /** Media to prefetch, never null. */
  public List<MediaRef> toPrefetch() {
    return preFetch == null ? List.of() : preFetch;
  }
}
