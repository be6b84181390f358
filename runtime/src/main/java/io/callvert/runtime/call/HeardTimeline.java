package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import java.util.ArrayList;
import java.util.List;

/**
 * What the caller has heard: every played item (prompt, beep, DTMF) in play order, each cut where
 * it stopped. Items reference shared, immutable clips, so a long call costs a few words per item,
 * not its audio. Every start and cut is also reported live ({@link CallerFeed}, contract rule 62).
 */
final class HeardTimeline {

  /** Items beyond this are not remembered (they still play); keeps a pathological call bounded. */
  static final int MAX_ITEMS = 10_000;

  static final class Item {
    final List<Clip> clips;
    final long start;
    final long seq;
    /** The operation playing it (its id and kind only: an ended operation is not kept alive). */
    final String opId;
    final OperationKind kind;
    final HeardTimeline timeline;
    long cut = Long.MAX_VALUE;

    Item(List<Clip> clips, long start, long seq, Operation op, HeardTimeline timeline) {
      this.clips = clips;
      this.start = start;
      this.seq = seq;
      this.opId = op.id;
      this.kind = op.kind;
      this.timeline = timeline;
    }

    long naturalEnd() {
      return start + MediaQueue.totalMs(clips);
    }
  }

  /** What was played, in order; the shared empty list until something plays (an idle call plays nothing). */
  private List<Item> items = List.of();
  private final Effects fx;
  private long sequence;

  HeardTimeline(Effects fx) {
    this.fx = fx;
  }

  /** {@code op} starts playing {@code clips} at {@code now}. */
  Item start(Operation op, List<Clip> clips, long now) {
    Item item = new Item(clips, now, ++sequence, op, this);
    if (items.size() < MAX_ITEMS) {
      if (!(items instanceof ArrayList)) {
        items = new ArrayList<>();
      }
      items.add(item);
    }
    fx.feed(new CallerFeed.Playing(item.seq, op.id, op.kind, clips, now));
    return item;
  }

  /** Stops {@code item} at {@code now}: the caller heard it up to here. */
  static void cut(Item item, long now) {
    if (item != null && now < item.cut) {
      item.cut = now;
      if (now < item.naturalEnd()) {
        item.timeline.fx.feed(new CallerFeed.Cut(item.seq, now));
      }
    }
  }

  /** Played milliseconds of an item at {@code now}. */
  static long playedMs(Item item, long now) {
    return Math.max(0, Math.min(item.cut, now) - item.start);
  }

  /** The items still playing at {@code now}, as they started (for a live caller joining mid-call). */
  List<CallerFeed.Playing> playing(long now) {
    List<CallerFeed.Playing> out = new ArrayList<>(1);
    for (int i = items.size() - 1; i >= 0 && out.size() < 4; i--) {
      Item item = items.get(i);
      if (item.cut > now && item.naturalEnd() > now) {
        out.add(0, new CallerFeed.Playing(item.seq, item.opId, item.kind, item.clips, item.start));
      }
    }
    return out;
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
