//! CSV files: RFC 4180 quoting, the formula guard, the conversation export's columns as
//! report.proto documents them, and the report tables' files.

import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  AgentReportSchema,
  ConversationFiguresSchema,
  GetReportResponseSchema,
  ReportInterval,
} from "@porthole/client";
import { expect, test } from "vitest";
import {
  agentsCsv,
  buildCsv,
  CONVERSATION_COLUMNS,
  conversationRow,
  conversationsCsv,
  csvCell,
  csvFileName,
  rfc3339,
  scopesCsv,
  summaryCsv,
  volumeCsv,
} from "./csv";

test("cells are quoted when they must be, quotes doubled (RFC 4180)", () => {
  expect(csvCell("plain")).toBe("plain");
  expect(csvCell("a,b")).toBe('"a,b"');
  expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  expect(csvCell("two\nlines")).toBe('"two\nlines"');
  expect(csvCell("cr\r\nlf")).toBe('"cr\r\nlf"');
  expect(csvCell("")).toBe("");
  expect(csvCell(undefined)).toBe("");
  expect(csvCell(null)).toBe("");
  expect(csvCell(42)).toBe("42");
  expect(csvCell(12n)).toBe("12");
  expect(csvCell(true)).toBe("true");
  expect(csvCell("naïve ☺")).toBe("naïve ☺");
});

test("text a spreadsheet would run as a formula gets a leading apostrophe", () => {
  expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
  expect(csvCell("+1 555")).toBe("'+1 555");
  expect(csvCell("-2+3")).toBe("'-2+3");
  expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  expect(csvCell("\tx")).toBe("'\tx");
  expect(csvCell("\r=1")).toBe('"\'\r=1"');
  expect(csvCell("=1,2")).toBe('"\'=1,2"');
  // Only at the start, and never for numbers we write ourselves.
  expect(csvCell("a=b")).toBe("a=b");
  expect(csvCell(-3)).toBe("-3");
});

test("a file is a header and rows, each line ended by CRLF", () => {
  expect(
    buildCsv(
      ["a", "b"],
      [
        ["1", "x,y"],
        [2, undefined],
      ],
    ),
  ).toBe('a,b\r\n1,"x,y"\r\n2,\r\n');
});

test("the conversation export's columns are ConversationFigures' fields, in order", () => {
  expect(CONVERSATION_COLUMNS.join(",")).toBe(
    "conversation_id,start_time,widget_id,team_id,assignee_user_id,status,first_response_time," +
      "first_responder,first_response_seconds,resolve_time,resolution_seconds,missed,rating," +
      "rating_comment,tags",
  );
  expect(CONVERSATION_COLUMNS).toEqual(ConversationFiguresSchema.fields.map((f) => f.name));
});

test("a conversation row: RFC 3339 UTC times, whole seconds, tags by ;, absent values empty", () => {
  const answered = create(ConversationFiguresSchema, {
    conversationId: "cnv_1",
    startTime: timestampFromMs(Date.parse("2025-05-01T09:30:00Z")),
    widgetId: "wgt_1",
    teamId: "tem_1",
    assigneeUserId: "usr_1",
    status: "resolved",
    firstResponseTime: timestampFromMs(Date.parse("2025-05-01T09:31:05.250Z")),
    firstResponder: "usr_1",
    firstResponseSeconds: 65n,
    resolveTime: timestampFromMs(Date.parse("2025-05-01T10:00:00Z")),
    resolutionSeconds: 1800n,
    missed: false,
    rating: 2,
    ratingComment: '=cmd|" /C calc"!A0, slow\nreply',
    tags: ["billing", "vip"],
  });
  expect(conversationRow(answered)).toEqual([
    "cnv_1",
    "2025-05-01T09:30:00Z",
    "wgt_1",
    "tem_1",
    "usr_1",
    "resolved",
    "2025-05-01T09:31:05.250Z",
    "usr_1",
    65n,
    "2025-05-01T10:00:00Z",
    1800n,
    false,
    2,
    '=cmd|" /C calc"!A0, slow\nreply',
    "billing;vip",
  ]);
  const open = create(ConversationFiguresSchema, {
    conversationId: "cnv_2",
    startTime: timestampFromMs(Date.parse("2025-05-01T11:00:00Z")),
    widgetId: "wgt_1",
    status: "pending",
  });
  const csv = conversationsCsv([answered, open]);
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe(CONVERSATION_COLUMNS.join(","));
  // The comment's own line break stays inside its quotes.
  expect(lines[1]).toBe(
    "cnv_1,2025-05-01T09:30:00Z,wgt_1,tem_1,usr_1,resolved,2025-05-01T09:31:05.250Z,usr_1,65," +
      '2025-05-01T10:00:00Z,1800,false,2,"\'=cmd|"" /C calc""!A0, slow\nreply",billing;vip',
  );
  expect(lines[2]).toBe("cnv_2,2025-05-01T11:00:00Z,wgt_1,,,pending,,,,,,false,,,");
  expect(lines[3]).toBe("");
  expect(rfc3339(undefined)).toBe("");
});

const report = create(GetReportResponseSchema, {
  timeZone: "Europe/Berlin",
  interval: ReportInterval.HOUR,
  current: {
    started: 4n,
    open: 1n,
    resolved: 3n,
    missed: 1n,
    firstResponse: {
      count: 2n,
      median: durationFromMs(60_000),
      p90: durationFromMs(120_000),
      mean: durationFromMs(90_000),
    },
    resolution: { count: 0n },
    satisfaction: {
      rated: 2n,
      average: 3.5,
      distribution: [0n, 1n, 0n, 0n, 1n],
      responseRate: 2 / 3,
    },
    bot: { answered: 0n, resolved: 0n, handedOff: 0n },
  },
  previous: { started: 2n },
  volume: [
    {
      startTime: timestampFromMs(Date.parse("2025-05-31T22:00:00Z")),
      started: 1n,
      resolved: 0n,
      missed: 0n,
    },
    {
      startTime: timestampFromMs(Date.parse("2025-05-31T23:00:00Z")),
      started: 3n,
      resolved: 3n,
      missed: 1n,
    },
  ],
  widgets: [{ id: "wgt_1", name: "=Shop", figures: { started: 4n } }],
});

test("the summary file: one row per figure, this period and the previous", () => {
  const lines = summaryCsv(report).split("\r\n");
  expect(lines[0]).toBe("figure,current,previous");
  expect(lines).toContain("started,4,2");
  expect(lines).toContain("first_response_median_seconds,60,");
  expect(lines).toContain("first_response_mean_seconds,90,");
  expect(lines).toContain("resolution_median_seconds,,");
  expect(lines).toContain("rating_average,3.5,");
  expect(lines).toContain("rating_response_rate,0.6667,0");
});

test("the volume file: UTC and local starts of each interval", () => {
  expect(volumeCsv(report).split("\r\n").slice(0, 3)).toEqual([
    "start_time,local_start,interval,started,resolved,missed",
    "2025-05-31T22:00:00Z,2025-06-01 00:00,hour,1,0,0",
    "2025-05-31T23:00:00Z,2025-06-01 01:00,hour,3,3,1",
  ]);
});

test("agents, widgets and teams: one row each, names guarded", () => {
  const agents = agentsCsv([
    create(AgentReportSchema, {
      userId: "usr_1",
      displayName: "@sam",
      handled: 2n,
      firstResponse: {
        count: 1n,
        median: durationFromMs(30_000),
        p90: durationFromMs(30_000),
        mean: durationFromMs(30_000),
      },
      online: durationFromMs(3_600_000),
    }),
  ]).split("\r\n");
  expect(agents[0]?.split(",").slice(0, 5)).toEqual([
    "user_id",
    "display_name",
    "handled",
    "first_responses",
    "first_response_median_seconds",
  ]);
  expect(agents[1]).toBe("usr_1,'@sam,2,1,30,30,30,0,,,,0,,3600,0,0");
  const widgets = scopesCsv(report.widgets).split("\r\n");
  expect(widgets[0]?.startsWith("id,name,started,open,resolved,missed,")).toBe(true);
  expect(widgets[1]?.startsWith("wgt_1,'=Shop,4,0,0,0,")).toBe(true);
  expect(csvFileName("agents", "2025-05-01", "2025-05-31")).toBe(
    "porthole-agents-2025-05-01-to-2025-05-31.csv",
  );
  expect(csvFileName("conversations", "2025-05-01", "2025-05-01")).toBe(
    "porthole-conversations-2025-05-01.csv",
  );
});
