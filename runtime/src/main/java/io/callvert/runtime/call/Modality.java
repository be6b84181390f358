package io.callvert.runtime.call;

/** A kind of media a call asks for; Callvert plays and records audio only. */
public enum Modality {
  AUDIO, VIDEO, VIDEO_BASED_SCREEN_SHARING, DATA
}
