package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The durable store (JSON object {@code store}): what survives a restart of the node (contract rule 42 — A restarted
 * node ends its calls).
 *
 * @param dir nullable directory of the store file ({@code callvert.mv}); unset (the default) keeps everything in
 *            memory only, as before: a restart then forgets the node's calls and undelivered notifications
 */
public record StoreOptions(String dir) {

  /** Blank means unset. */
  public StoreOptions {
    dir = Check.blankToNull(dir);
  }

  public static StoreOptions defaults() {
    return new StoreOptions(null);
  }

  /** Whether a data directory switches the durable store on. */
  @JsonIgnore
  public boolean enabled() {
    return dir != null;
  }
}
