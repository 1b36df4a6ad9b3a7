import assert from "node:assert/strict";
import fc from "fast-check";
import { isoWeekOf, isoWeekRangeOf, parseIsoWeek, previousIsoWeek } from "../../app/domain/iso-week";

describe("ISO weeks (UTC)", () => {
  it("matches known calendar facts", () => {
    assert.equal(isoWeekOf(new Date("2026-01-01T00:00:00Z")), "2026-W01"); // a Thursday
    assert.equal(isoWeekOf(new Date("2027-01-01T12:00:00Z")), "2026-W53"); // a Friday of a 53-week year
    assert.equal(isoWeekOf(new Date("2024-12-30T00:00:00Z")), "2025-W01"); // a Monday in late December
    assert.equal(isoWeekOf(new Date("2026-11-22T23:59:59.999Z")), "2026-W47"); // a Sunday
    assert.equal(isoWeekOf(new Date("2026-11-23T00:00:00Z")), "2026-W48"); // the next Monday
    assert.equal(parseIsoWeek("2026-W53")?.from.toISOString(), "2026-12-28T00:00:00.000Z");
    assert.equal(parseIsoWeek("2027-W53"), undefined);
    assert.equal(parseIsoWeek("2026-W00"), undefined);
    assert.equal(parseIsoWeek("2026-w01"), undefined);
    assert.equal(previousIsoWeek(new Date("2026-11-23T01:00:00Z")).week, "2026-W47");
  });

  const instant = fc.date({
    min: new Date("1971-01-01T00:00:00Z"),
    max: new Date("2199-12-31T00:00:00Z"),
    noInvalidDate: true,
  });

  it("puts every instant inside the range of its own week, which starts on a Monday and lasts 7 days", () => {
    fc.assert(
      fc.property(instant, (date) => {
        const range = isoWeekRangeOf(date);
        assert.equal(range.from.getUTCDay(), 1);
        assert.ok(range.from.getTime() <= date.getTime() && date.getTime() < range.to.getTime());
        assert.equal(range.to.getTime() - range.from.getTime(), 7 * 86_400_000);
        assert.deepEqual(parseIsoWeek(range.week), range);
      }),
    );
  });

  it("has consecutive weeks: the week before a week's Monday is the previous week", () => {
    fc.assert(
      fc.property(instant, (date) => {
        const range = isoWeekRangeOf(date);
        const previous = previousIsoWeek(date);
        assert.equal(previous.to.getTime(), range.from.getTime());
        assert.notEqual(previous.week, range.week);
      }),
    );
  });
});
