package io.callvert.runtime.call;

import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A receive table in the spirit of Pekko typed's {@code Behaviors.receive}: one line per command
 * type, naming the method that handles it. Java 17 has no pattern-matching switch, so this is the
 * exhaustive dispatch; {@link #missing} lets a test prove every command has a handler.
 *
 * @param <S> the actor's state
 */
final class ReceiveTable<S> {

  private final Map<Class<?>, BiFunction<S, Command, Reply>> handlers = new HashMap<>();

  /** Adds the handler of command type {@code type}. */
  @SuppressWarnings("unchecked")
  <C extends Command> ReceiveTable<S> on(Class<C> type, BiFunction<S, C, Reply> handler) {
    handlers.put(type, (BiFunction<S, Command, Reply>) (BiFunction<S, ?, Reply>) handler);
    return this;
  }

  /** Runs the handler of {@code command}'s type. */
  Reply apply(S state, Command command) {
    BiFunction<S, Command, Reply> h = handlers.get(command.getClass());
    if (h == null) {
      throw new IllegalArgumentException("no handler for " + command.getClass().getSimpleName());
    }
    return h.apply(state, command);
  }

  /** Command types with no handler: empty for a complete table. */
  Set<Class<?>> missing() {
    Set<Class<?>> out = new java.util.HashSet<>();
    for (Class<?> c : Command.class.getPermittedSubclasses()) {
      if (!handlers.containsKey(c)) {
        out.add(c);
      }
    }
    return out;
  }
}
