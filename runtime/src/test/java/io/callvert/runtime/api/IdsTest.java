package io.callvert.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Contract rule 2: ids are emitted lower-case and dashed, and looked up in any case, with or without dashes. */
class IdsTest {

  @Test
  void everyFormOfAnIdBecomesTheCanonicalOne() {
    assertTrue(Ids.isCanonicalUuid(Ids.newId()), "a new id is canonical");
    String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    assertEquals(id, UUID.fromString(id).toString());
    assertSame(id, Ids.canonical(id), "a canonical id is taken as it is, not copied");
    assertEquals(id, Ids.canonical(id.toUpperCase()));
    assertEquals(id, Ids.canonical(id.replace("-", "")));
    assertEquals(id, Ids.canonical(id.replace("-", "").toUpperCase()));
    assertEquals("not-an-id", Ids.canonical("Not-An-Id"), "anything else is only lower-cased");
    assertEquals("", Ids.canonical(null));
  }

  @Test
  void onlyTheLowerCaseDashedFormIsCanonical() {
    String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    assertTrue(Ids.isCanonicalUuid(id));
    assertFalse(Ids.isCanonicalUuid(id.toUpperCase()));
    assertFalse(Ids.isCanonicalUuid(id.replace("-", "")));
    assertFalse(Ids.isCanonicalUuid(id.substring(1) + "g"));
    assertFalse(Ids.isCanonicalUuid(id.replace('-', '_')));
    assertFalse(Ids.isCanonicalUuid(id + "0"));
  }
}
