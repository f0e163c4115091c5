// Self-check against inspection on a fixture with every kind of pair.
import { describe, expect, test } from "vitest";
import type { Checklist } from "../checklist/schema.js";
import type { Result } from "../store/types.js";
import { agreementOf, countAgreements, crossPairs, ratingsByItem } from "./crosscheck.js";

const self: Checklist = {
  id: "self",
  version: "1",
  title: "自查",
  source: "测试",
  sections: [
    {
      id: "study",
      title: "学习",
      items: ["a", "b", "c", "d", "e", "f"].map((id) => ({ id, text: id })),
    },
    { id: "six", title: "六查", per: "leader", items: [{ id: "x", text: "x" }] },
  ],
};

/** A county's checklist that extends `self`: its runs answer for `self`'s items too. */
const county: Checklist = { ...self, id: "county", lineage: [{ id: "self", version: "1" }] };

const inspection: Checklist = {
  id: "insp",
  version: "1",
  title: "督导",
  source: "测试",
  sections: [
    {
      id: "look",
      title: "明察",
      items: [
        { id: "over", text: "o", verifies: ["self:study.a"] },
        { id: "under", text: "u", verifies: ["self:study.b"] },
        { id: "same", text: "s", verifies: ["self:study.c"] },
        { id: "unanswered", text: "n", verifies: ["self:study.d"] },
        { id: "na", text: "na", verifies: ["self:study.e"] },
        { id: "not-rated", text: "r", verifies: ["self:study.f"] },
        { id: "leaders", text: "l", verifies: ["self:six.x"] },
        { id: "elsewhere", text: "e", verifies: ["other:study.a"] },
      ],
    },
  ],
};

const answers = (pairs: [string, Result][]) => pairs.map(([itemKey, result]) => ({ itemKey, result }));

const inspected = answers([
  ["look.over", "fail"],
  ["look.under", "pass"],
  ["look.same", "partial"],
  ["look.unanswered", "fail"],
  ["look.na", "pass"],
  ["look.leaders", "partial"],
  ["look.elsewhere", "fail"],
]);
const selfAnswers = answers([
  ["study.a", "pass"],
  ["study.b", "partial"],
  ["study.c", "partial"],
  ["study.e", "na"],
  ["study.f", "pass"],
  ["six.x@甲", "pass"],
  ["six.x@乙", "na"],
  ["six.x@丙", "pass"],
]);

describe("crossPairs", () => {
  test("every kind of pair, in the inspection's order; unrated and foreign items left out", () => {
    const pairs = crossPairs(
      { checklist: inspection, answers: inspected },
      { checklist: self, answers: selfAnswers },
    );
    expect(pairs.map((p) => [p.inspectionKey, p.selfKey, p.inspection, p.self, p.agreement])).toEqual([
      ["look.over", "study.a", "fail", "pass", "overstated"],
      ["look.under", "study.b", "pass", "partial", "understated"],
      ["look.same", "study.c", "partial", "partial", "agreed"],
      ["look.unanswered", "study.d", "fail", null, "unanswered"],
      ["look.na", "study.e", "pass", "na", "not-applicable"],
      ["look.leaders", "six.x", "partial", "pass", "overstated"],
    ]);
    expect(countAgreements(pairs)).toEqual({
      overstated: 2,
      understated: 1,
      agreed: 1,
      unanswered: 1,
      "not-applicable": 1,
    });
  });

  test("a run of a checklist that extends the verified one is held against it too", () => {
    const pairs = crossPairs(
      { checklist: inspection, answers: inspected },
      { checklist: county, answers: selfAnswers },
    );
    expect(pairs).toHaveLength(6);
  });

  test("a checklist the inspection does not verify gives no pairs", () => {
    const other = { ...self, id: "unrelated" };
    expect(
      crossPairs({ checklist: inspection, answers: inspected }, { checklist: other, answers: selfAnswers }),
    ).toEqual([]);
  });
});

describe("ratings", () => {
  test("a per-leader item is its weakest leader's answer; 不适用 only when all are", () => {
    const r = ratingsByItem(
      answers([
        ["six.x@甲", "pass"],
        ["six.x@乙", "fail"],
        ["six.x@丙", "partial"],
        ["six.y@甲", "na"],
        ["six.y@乙", "na"],
        ["bad-key", "fail"],
      ]),
    );
    expect([...r]).toEqual([
      ["six.x", "fail"],
      ["six.y", "na"],
    ]);
  });

  test("agreement by rank: 符合 > 基本符合 > 不符合", () => {
    expect(agreementOf("partial", "pass")).toBe("overstated");
    expect(agreementOf("fail", "partial")).toBe("overstated");
    expect(agreementOf("pass", "fail")).toBe("understated");
    expect(agreementOf("fail", "fail")).toBe("agreed");
    expect(agreementOf("na", "pass")).toBe("not-applicable");
    expect(agreementOf("pass", null)).toBe("unanswered");
  });
});
