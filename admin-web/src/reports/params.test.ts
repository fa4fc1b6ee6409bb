//! The report's address and request: defaults left out, custom days kept as typed, the
//! filter's oneof, hours that the range no longer allows, and no request for bad days.

import { ReportInterval } from "@porthole/client";
import { expect, test } from "vitest";
import { filterOf, readParams, requestOf, writeParams } from "./params";

test("the defaults: the last 30 days of the whole workspace, automatic interval", () => {
  const params = readParams(new URLSearchParams(""));
  expect(params).toEqual({
    preset: "last30",
    custom: { from: "", to: "" },
    scope: "",
    businessHours: false,
    interval: "auto",
  });
  expect(writeParams(params).toString()).toBe("");
  expect(requestOf(params, "2025-05-14")).toEqual({
    range: { from: "2025-04-15", to: "2025-05-14" },
    request: {
      fromDate: "2025-04-15",
      toDate: "2025-05-14",
      filter: {},
      businessHours: false,
      interval: ReportInterval.UNSPECIFIED,
    },
  });
});

test("the address round trip, and nonsense in it ignored", () => {
  const search = new URLSearchParams(
    "range=custom&from=2025-01-01&to=2025-01-31&scope=team:tem_1&hours=business&interval=hour",
  );
  const params = readParams(search);
  expect(params).toEqual({
    preset: "custom",
    custom: { from: "2025-01-01", to: "2025-01-31" },
    scope: "team:tem_1",
    businessHours: true,
    interval: "hour",
  });
  expect(readParams(writeParams(params))).toEqual(params);
  expect(readParams(new URLSearchParams("range=forever&scope=planet:x&interval=minute"))).toEqual(
    readParams(new URLSearchParams("")),
  );
});

test("the filter is one case of the oneof", () => {
  expect(filterOf("")).toEqual({});
  expect(filterOf("widget:wgt_1")).toEqual({ scope: { case: "widgetId", value: "wgt_1" } });
  expect(filterOf("team:tem_1")).toEqual({ scope: { case: "teamId", value: "tem_1" } });
  expect(filterOf("agent:usr_1")).toEqual({ scope: { case: "agentUserId", value: "usr_1" } });
});

test("hours asked for a range that allows them; automatic once it does not", () => {
  const hourly = { ...readParams(new URLSearchParams("interval=hour&range=last7")) };
  expect(requestOf(hourly, "2025-05-14").request?.interval).toBe(ReportInterval.HOUR);
  const long = { ...hourly, preset: "last365" as const };
  expect(requestOf(long, "2025-05-14").request?.interval).toBe(ReportInterval.UNSPECIFIED);
  const weekly = { ...hourly, interval: "week" as const };
  expect(requestOf(weekly, "2025-05-14").request?.interval).toBe(ReportInterval.WEEK);
});

test("no request while the days are wrong; the problem says why", () => {
  const params = readParams(new URLSearchParams("range=custom&from=2024-01-01&to=2025-06-30"));
  expect(requestOf(params, "2025-07-01")).toEqual({
    range: { from: "2024-01-01", to: "2025-06-30" },
    problem: "A report covers at most 366 days; this range has 547.",
  });
});
