/**
 * Callvert's public API for embedding: {@link io.callvert.verticles.CallvertVerticle} (deploy it),
 * {@link io.callvert.verticles.CallvertClient} (drive calls in process) and
 * {@link io.callvert.verticles.CallvertNotification} (what in-process bots receive), with the
 * options of {@code io.callvert.config}. The subpackages are Callvert's internals: they may change
 * in any release.
 */
package io.callvert.verticles;
