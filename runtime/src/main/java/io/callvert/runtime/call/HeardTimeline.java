package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import java.util.ArrayList;
import java.util.List;

/**
 * What the caller has heard: every played item (prompt, beep, DTMF) in play order, each cut where
 * it stopped. Items reference shared, immutable clips, so a long call costs a few words per item,
 * not its audio.
 */
final class HeardTimeline {

  /** Items beyond this are not remembered (they still play); keeps a pathological call bounded. */
  static final int MAX_ITEMS = 10_000;

  static final class Item {
    final List<Clip> clips;
    final long start;
    long cut = Long.MAX_VALUE;

    Item(List<Clip> clips, long start) {
      this.clips = clips;
      this.start = start;
    }
  }

  private final ArrayList<Item> items = new ArrayList<>();

  Item start(List<Clip> clips, long now) {
    Item item = new Item(clips, now);
    if (items.size() < MAX_ITEMS) {
      items.add(item);
    }
    return item;
  }

  /** Stops {@code item} at {@code now}: the caller heard it up to here. */
  static void cut(Item item, long now) {
    if (item != null && now < item.cut) {
      item.cut = now;
    }
  }

  /** Played milliseconds of an item at {@code now}. */
  static long playedMs(Item item, long now) {
    return Math.max(0, Math.min(item.cut, now) - item.start);
  }

  /** The slices heard up to {@code now}, back to back in play order. */
  List<Wav.Slice> slices(long now) {
    List<Wav.Slice> out = new ArrayList<>();
    for (Item item : items) {
      long remaining = playedMs(item, now) * (Clip.SAMPLE_RATE / 1000);
      for (Clip clip : item.clips) {
        if (remaining <= 0) {
          break;
        }
        int take = (int) Math.min(clip.length(), remaining);
        out.add(new Wav.Slice(clip, 0, take));
        remaining -= take;
      }
    }
    return out;
  }
}
